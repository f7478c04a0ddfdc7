/** @module Small HTTP helpers shared by the lab's servers: body limits, Basic auth, Tomcat error pages. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { escapeXmlText } from '../lib/xsd/xml-writer.ts';

export class BodyTooLarge extends Error {}

/** Read the request body up to `maxBytes` (throws BodyTooLarge beyond it). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBytes) { reject(new BodyTooLarge()); req.resume(); return; }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) { reject(new BodyTooLarge()); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Credentials from an `Authorization: Basic` header. */
export function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const raw = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return undefined;
  return { user: raw.slice(0, i), password: raw.slice(i + 1) };
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when the Basic credentials equal the given pair. */
export function isAuthorized(req: IncomingMessage, user: string, password: string): boolean {
  const c = basicCredentials(req);
  return c !== undefined && safeEqual(c.user, user) && safeEqual(c.password, password);
}

/** Tomcat's HTML error report (clients look for "HTTP Status 401" in the body). */
export function tomcatError(res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void {
  const title = `HTTP Status ${status} - ${reason}`;
  const body = `<!doctype html><html lang="en"><head><title>${escapeXmlText(title)}</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {font-size:22px;}</style></head><body><h1>${escapeXmlText(title)}</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> ${escapeXmlText(reason)}</p><hr class="line" /><h3>Apache Tomcat</h3></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Language': 'en', ...headers });
  res.end(body);
}

export function unauthorized(res: ServerResponse, realm: string): void {
  tomcatError(res, 401, 'Unauthorized', { 'WWW-Authenticate': `Basic realm="${realm}"` });
}

export function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', ...headers });
  res.end(body);
}
