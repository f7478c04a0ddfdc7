/**
 * @module Unity Connection CUPI (REST) over HTTPS to a declared node: JSON in and out
 * (Accept: application/json, CUPI-USER), status codes explained (CUPI-SCHED).
 */
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { sendOutbound } from '../https-request.ts';
import { snippet } from '../soap/soap-response.ts';
import { cupiQueryString } from './cupi-path.ts';
import { cupiErrorDetail, isCupiNotFound, normaliseCupiList } from './cupi-answer.ts';
import type { CupiMethod } from './cupi-path.ts';
import { httpReason, upstreamError } from '../upstream-error.ts';

export interface CupiClientOptions { tls: TlsPolicy; timeoutMs: number; maxBytes: number }
export interface CupiCall {
  node: CiscoNode;
  login: { user: string; password: string };
  method: CupiMethod;
  /** Already normalised by normaliseCupiPath. */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  signal?: AbortSignal;
}
/** `total`: the count of a list answer, whose items are then always an array (cupi-answer.ts). */
export interface CupiResult { status: number; body: unknown; total?: number }

export class CupiClient {
  #o: CupiClientOptions;

  constructor(options: CupiClientOptions) {
    this.#o = options;
  }

  async request(c: CupiCall): Promise<CupiResult> {
    const hasBody = c.body !== undefined && c.method !== 'GET' && c.method !== 'DELETE';
    const res = await sendOutbound({
      nodeName: c.node.name, host: c.node.host, port: c.node.httpsPort, tls: this.#o.tls, ...(c.node.spkiPin ? { spkiPin: c.node.spkiPin } : {}),
      method: c.method, path: `${c.path}${cupiQueryString(c.query)}`, auth: c.login, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      headers: { Accept: 'application/json', ...(hasBody ? { 'Content-Type': 'application/json' } : {}) },
      ...(hasBody ? { body: JSON.stringify(c.body) } : {}), ...(c.signal ? { signal: c.signal } : {}),
    });
    const text = res.body.toString('utf8');
    const type = String(res.headers['content-type'] ?? '');
    let body: unknown = text;
    if (type.includes('json') && text.trim()) {
      try { body = JSON.parse(text); } catch { body = text; }
    }
    const where = `${c.method} ${c.path} on node "${c.node.name}"`;
    if (res.status === 401) throw upstreamError('auth_rejected', `CUPI ${where} was refused: the stored credentials are wrong (HTTP 401)`, { node: c.node.name, httpStatus: 401, hint: 'an operator updates them with aibridge credentials set' });
    if (res.status === 403) throw upstreamError('role_missing', `CUPI ${where} is not permitted for the stored user (HTTP 403)`, { node: c.node.name, httpStatus: 403, hint: 'give that user the "System Administrator" role in Unity Connection' });
    const detail = res.status >= 400 ? cupiErrorDetail(text) : undefined;
    if (isCupiNotFound(res.status, detail)) {
      throw upstreamError('not_found', `CUPI ${where}: not found (HTTP ${res.status})${detail ? `, ${detail.code}: ${snippet(detail.message, 160)}` : ''}`, { node: c.node.name, httpStatus: res.status, ...(detail ? { ciscoCode: detail.code } : {}), hint: 'check the path and the object id (list the collection to find it)' });
    }
    if (res.status >= 300) {
      throw upstreamError(httpReason(res.status), `CUPI ${where} failed with HTTP ${res.status}${detail ? ` ${detail.code}: ${snippet(detail.message, 200)}` : ''}`, {
        node: c.node.name, httpStatus: res.status, ...(detail ? { ciscoCode: detail.code } : {}),
        hint: res.status >= 500 && !detail ? `the Unity Connection REST service failed; retry later and check the node (${snippet(text, 160) || 'no details'})` : detail ? 'fix the request body or parameters named in the message' : snippet(text, 200) || 'check the request body',
      });
    }
    const list = c.method === 'GET' ? normaliseCupiList(body) : undefined;
    return list ? { status: res.status, body: list.list, total: list.total } : { status: res.status, body };
  }
}
