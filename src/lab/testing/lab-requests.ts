/** @module Test helpers: HTTPS/HTTP requests and AXL calls against a running lab (used by src/lab and tests/ suites). */
import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { LabDescription } from '../lab-files.ts';

export interface HttpAnswer { status: number; headers: http.IncomingHttpHeaders; body: Buffer; text: string }

export function request(opts: { url: string; method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string }): Promise<HttpAnswer> {
  const u = new URL(opts.url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { const body = Buffer.concat(chunks); resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') }); });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.end(opts.body);
  });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function node(d: LabDescription, name: string): LabDescription['nodes'][number] {
  const n = d.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

export interface AxlCallOptions { version?: string; password?: string; soapAction?: string | null; envelope?: string; host?: string }

/** POST one AXL operation to the CUCM publisher. */
export function axl(d: LabDescription, op: string, inner: string, o: AxlCallOptions = {}): Promise<HttpAnswer> {
  const pub = node(d, o.host ?? 'cucm-pub');
  const v = o.version ?? d.version;
  const body = o.envelope ?? `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/${v}"><soapenv:Header/><soapenv:Body><ns:${op}>${inner}</ns:${op}></soapenv:Body></soapenv:Envelope>`;
  const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8', Authorization: basic(pub.username, o.password ?? pub.password) };
  if (o.soapAction !== null) headers.SOAPAction = o.soapAction ?? `"CUCM:DB ver=${v} ${op}"`;
  return request({ url: `https://${pub.host}:${pub.https_port}/axl/`, method: 'POST', headers, body, ca: readFileSync(d.ca_bundle, 'utf8') });
}

/** The response element inside the SOAP Body (for schema validation). */
export function soapBodyContent(xml: string): string {
  const m = /<soapenv:Body>([\s\S]*)<\/soapenv:Body>/.exec(xml);
  if (!m) throw new Error(`no SOAP body in: ${xml.slice(0, 200)}`);
  return m[1]!;
}
