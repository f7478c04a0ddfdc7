/**
 * @module SOAP 1.1 envelopes written with the escaping XmlWriter (lib/xsd): the body is written by
 * a callback, so no value is ever concatenated into markup.
 */
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { hasInvalidXmlChars } from '../../lib/xsd/xml-writer.ts';
import { AppError } from '../../lib/errors.ts';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** `<soapenv:Envelope xmlns:soapenv=… {extra ns}><soapenv:Header/><soapenv:Body>…</soapenv:Body></soapenv:Envelope>` */
export function soapEnvelope(namespaces: Record<string, string>, body: (w: XmlWriter) => void): string {
  const w = new XmlWriter();
  const attrs: Record<string, string> = { 'xmlns:soapenv': SOAP_ENV_NS };
  for (const [prefix, uri] of Object.entries(namespaces)) attrs[`xmlns:${prefix}`] = uri;
  w.raw('<?xml version="1.0" encoding="UTF-8"?>').open('soapenv:Envelope', attrs).leaf('soapenv:Header', undefined).open('soapenv:Body');
  body(w);
  w.close().close();
  return w.toString();
}

/**
 * Refuse characters XML 1.0 cannot carry (W3C XML 1.0 §2.2) anywhere in a value or key, before
 * anything is sent: silently dropping them would send something the agent did not ask for.
 */
export function assertXmlSafe(value: unknown, path = 'args'): void {
  if (typeof value === 'string') {
    if (hasInvalidXmlChars(value)) {
      throw new AppError('E_INPUT_INVALID', `Refused: ${path} contains a character XML 1.0 cannot carry (control character, U+FFFE/U+FFFF or a lone surrogate)`, { hint: 'remove control characters from the value' });
    }
    return;
  }
  if (Array.isArray(value)) { value.forEach((v, i) => assertXmlSafe(v, `${path}[${i}]`)); return; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { assertXmlSafe(k, `${path} key`); assertXmlSafe(v, `${path}.${k}`); }
  }
}
