/**
 * @module What the lab's serviceability endpoints share: Axis-style envelopes with every element
 * qualified by `ns1:` (the WSDLs say elementFormDefault="qualified"), Basic auth, the request
 * body limit, injected latency and HTTP errors, and SOAP faults for bad requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { parseXml } from '../../lib/xsd/xml-tree.ts';
import type { XmlElement } from '../../lib/xsd/xml-tree.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import { BodyTooLarge, isAuthorized, readBody, sendXml, tomcatError, unauthorized } from '../http-util.ts';
import { SOAP_ENV_NS, soapFaultXml } from '../axl/soap.ts';

export const SVC_NS = 'http://schemas.cisco.com/ast/soap';

/** A complete answer: `write` fills the Body (use prefix ns1, declared on the first element by `op()`). */
export function svcEnvelope(write: (w: XmlWriter) => void): string {
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8"?>');
  w.open('soapenv:Envelope', { 'xmlns:soapenv': SOAP_ENV_NS, 'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' }).open('soapenv:Body');
  write(w);
  return w.close().close().toString();
}

/** Open `<ns1:{name} xmlns:ns1=…>`. */
export function op(w: XmlWriter, name: string): XmlWriter {
  return w.open(`ns1:${name}`, { 'xmlns:ns1': SVC_NS });
}

export function sendFault(res: ServerResponse, message: string, code = 'soapenv:Server'): void {
  sendXml(res, 500, soapFaultXml(code, message));
}

/** Text of the first descendant named `name` (namespace-agnostic, as Axis binds leniently). */
export function findText(el: XmlElement, name: string): string | undefined {
  if (el.name === name) return el.text;
  for (const c of el.children) { const t = findText(c, name); if (t !== undefined) return t; }
  return undefined;
}

export function findAll(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  if (el.name === name) out.push(el);
  for (const c of el.children) findAll(c, name, out);
  return out;
}

/**
 * Everything before an operation runs: method, credentials, body, latency, injected HTTP errors.
 * Returns the first element of the SOAP Body, or undefined when an answer was already sent.
 */
export async function readSvcRequest(req: IncomingMessage, res: ServerResponse, ctx: { data: LabData; faults: FaultDice; realm: string }): Promise<XmlElement | undefined> {
  if (req.method === 'GET' && /[?&]wsdl/i.test(req.url ?? '')) { tomcatError(res, 404, 'Not Found'); return undefined; }
  if (req.method !== 'POST') { tomcatError(res, 405, 'Method Not Allowed'); return undefined; }
  if (ctx.faults.plan.credentialsExpired || !isAuthorized(req, ctx.data.credentials.username, ctx.data.credentials.password)) { unauthorized(res, ctx.realm); return undefined; }
  let raw: Buffer;
  try {
    raw = await readBody(req, 1024 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLarge) { tomcatError(res, 413, 'Request Entity Too Large'); return undefined; }
    throw err;
  }
  await ctx.faults.delay();
  const status = ctx.faults.httpError('serviceability');
  if (status) { sendXml(res, status, soapFaultXml('soapenv:Server', status === 503 ? 'Service Unavailable' : 'Internal Server Error')); return undefined; }
  let root: XmlElement;
  try { root = parseXml(raw.toString('utf8')); } catch (err) { sendFault(res, (err as Error).message, 'soapenv:Client'); return undefined; }
  const body = root.children.find((c) => c.name === 'Body')?.children[0];
  if (!body) { sendFault(res, 'No SOAP Body', 'soapenv:Client'); return undefined; }
  return body;
}
