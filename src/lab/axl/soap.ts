/**
 * @module SOAP 1.1 envelopes and AXL faults as CUCM writes them: single-quoted prolog, `soapenv`
 * prefix, faults as HTTP 500 with detail/axlError/{axlcode, axlmessage, request} (BEHAVIOUR.md §1).
 */
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const PROLOG = "<?xml version='1.0' encoding='utf-8'?>";

/** An AXL error the handler turns into a SOAP Fault (or a bare HTTP status when `bareStatus`). */
export class AxlFault extends Error {
  readonly axlcode: number;
  readonly faultcode: 'Client' | 'Server';
  readonly httpStatus: number;
  constructor(message: string, options: { axlcode: number; faultcode?: 'Client' | 'Server'; httpStatus?: number }) {
    super(message);
    this.name = 'AxlFault';
    this.axlcode = options.axlcode;
    this.faultcode = options.faultcode ?? 'Client';
    this.httpStatus = options.httpStatus ?? 500;
  }
}

/** Start an envelope; the caller writes the body content, then calls `endEnvelope`. */
export function beginEnvelope(w: XmlWriter): XmlWriter {
  return w.raw(PROLOG).open('soapenv:Envelope', { 'xmlns:soapenv': SOAP_ENV_NS }).open('soapenv:Body');
}

export function endEnvelope(w: XmlWriter): string {
  return w.close().close().toString();
}

/** A complete AXL fault envelope. `axlNamespace` qualifies axlError as some CUCM builds do. */
export function axlFaultXml(fault: { message: string; axlcode: number; faultcode: 'Client' | 'Server'; request: string; axlNamespace?: string }): string {
  const w = beginEnvelope(new XmlWriter());
  w.open('soapenv:Fault').leaf('faultcode', `soapenv:${fault.faultcode}`).leaf('faultstring', fault.message).open('detail');
  // `<ns2:axlError xmlns:ns2="…/AXL/API/ver">` with unqualified children, as in real captures.
  if (fault.axlNamespace) w.open('ns2:axlError', { 'xmlns:ns2': fault.axlNamespace });
  else w.open('axlError');
  w.leaf('axlcode', String(fault.axlcode)).leaf('axlmessage', fault.message).leaf('request', fault.request).close();
  w.close().close();
  return endEnvelope(w);
}

/** A plain SOAP fault (no AXL detail), as Axis writes for envelope-level problems and RIS. */
export function soapFaultXml(faultcode: string, message: string): string {
  const w = beginEnvelope(new XmlWriter());
  w.open('soapenv:Fault').leaf('faultcode', faultcode).leaf('faultstring', message).close();
  return endEnvelope(w);
}
