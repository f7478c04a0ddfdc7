/**
 * @module AXL over HTTPS to a declared node: version detection (getCCMVersion, cached per node),
 * schema-checked requests, faults turned into errors that say what to do, throttling retried with
 * back-off inside the deadline (only what AXL-DG documents: HTTP 503, "Maximum AXL Memory Allocation
 * Consumed"; writes re-sent only after 503), answers parsed leniently to JSON.
 */
import { AppError } from '../../lib/errors.ts';
import { xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { axlAnswerBuilder, listReturn, shapeAxlResponse, shapeAxlReturn } from './axl-answer-shape.ts';
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { createHash } from 'node:crypto';
import { failedOnStaleConnection, sendOutbound } from '../https-request.ts';
import { KeepAlivePool } from '../keep-alive.ts';
import type { OutboundResponse } from '../https-request.ts';
import { parseSoapAnswer, snippet, SoapAnswerReader } from '../soap/soap-response.ts';
import type { SoapAnswer, SoapFault } from '../soap/soap-response.ts';
import type { ScannedXml, XmlBuilder } from '../../lib/xsd/xml-scan.ts';
import { httpReason, upstreamError } from '../upstream-error.ts';
import { soapEnvelope } from '../soap/soap-envelope.ts';
import { AxlSchemas, BUNDLED_AXL_VERSIONS, schemaVersionFor } from './axl-schemas.ts';
import type { AxlSchema } from './axl-schemas.ts';
import { axlNamespace, buildAxlRequest } from './axl-request.ts';
import { AxlTooLargeError, fetchAllPages, hasPaging } from './axl-paging.ts';
import type { PagingOutcome } from './axl-paging.ts';

export interface AxlLogin { user: string; password: string }

export interface AxlClientOptions {
  tls: TlsPolicy;
  schemas: AxlSchemas;
  timeoutMs: number;
  /** Cap on one answer (Cisco's own cap is 8 MB per answer). */
  maxBytes: number;
  /** Keep-alive connections and the JSESSIONIDSSO session (default on; off for bench/axl's baseline). */
  reuseConnections?: boolean;
}

export interface AxlCall {
  node: CiscoNode; login: AxlLogin; operation: string; args: unknown; signal?: AbortSignal;
  /** Rows fetched so far, when a large list is paged. */
  onProgress?: (rows: number) => void;
}
export interface AxlResult { version: string; result: XValue; pages?: number; paging?: PagingOutcome }

/**
 * One POST to /axl/ (soapAction undefined: the 1.0 default-version probe). `shape`: the schema and
 * operation an HTTP 200 answer is shaped by while it is read.
 */
interface AxlPost { node: CiscoNode; login: AxlLogin; soapAction: string | undefined; xml: string; signal?: AbortSignal; readOnly: boolean; shape?: { schema: AxlSchema; operation: string } }
/**
 * `answer`: an HTTP 200 body, parsed while it arrived (issue 20), shaped when the post asked for
 * it (`shaped`); `text` is then empty, or the fault's text when the body is a fault. Any other
 * status keeps its body as `text`.
 */
interface AxlAnswer { res: OutboundResponse; text: string; answer?: SoapAnswer; shaped?: boolean }

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Throttling, as Cisco documents it (AXL-DG "Data Throttling and Performance"), and nothing else:
 * HTTP 503 Service Unavailable (the write queue; the request was not processed), and the read
 * limit fault "Maximum AXL Memory Allocation Consumed". Every other fault — axlcode -1 included —
 * is an ordinary error. "Query request too large" is not throttling: the same request fails again.
 */
export function throttleKind(res: OutboundResponse, text: string): 'refused' | 'memory' | undefined {
  if (res.status === 503) return 'refused';
  if (/Maximum AXL Memory Allocation Consumed/.test(text)) return 'memory';
  return undefined;
}

/** Operations that change nothing, so re-sending them after a fault is harmless. */
export function isReadOperation(operation: string): boolean {
  return /^(get|list)[A-Z]/.test(operation) || operation === 'executeSQLQuery';
}

/** Retry-After (seconds or HTTP date) in ms, bounded; undefined when absent or unreadable. */
function retryAfterMs(res: OutboundResponse): number | undefined {
  const v = res.headers['retry-after'];
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  const ms = /^\d+$/.test(s.trim()) ? Number(s.trim()) * 1000 : Date.parse(s) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

export class AxlClient {
  #o: AxlClientOptions;
  #versions = new Map<string, string>();
  /** Connections kept between requests (AXL-DG: reuse connections). */
  readonly keepAlive: KeepAlivePool | undefined;
  /**
   * JSESSIONIDSSO per node and login (AXL-DG: send the session cookie instead of Basic auth on
   * every request). Keyed by a hash of the password too, so only a caller holding the same
   * credentials ever rides on a session; kept in memory only, never logged.
   */
  #sessions = new Map<string, string>();

  constructor(options: AxlClientOptions) {
    this.#o = options;
    this.keepAlive = options.reuseConnections === false ? undefined : new KeepAlivePool();
  }

  /** Close kept connections and forget sessions (shutdown, credentials forgotten). */
  close(): void {
    this.keepAlive?.closeAll();
    this.#sessions.clear();
  }

  /** Password digests of frozen logins (the credential store's, one object per stored entry). */
  #digests = new WeakMap<AxlLogin, string>();

  #sessionKey(node: CiscoNode, login: AxlLogin): string {
    // Only a frozen login can be remembered: a mutable one could change password under the same object.
    let digest = Object.isFrozen(login) ? this.#digests.get(login) : undefined;
    if (digest === undefined) {
      digest = createHash('sha256').update(login.password).digest('base64');
      if (Object.isFrozen(login)) this.#digests.set(login, digest);
    }
    return `${node.name}\u0000${login.user}\u0000${digest}`;
  }

  /**
   * POST; throttling is retried with back-off (or the node's Retry-After) while the deadline
   * allows (AXL-DG: sleep and retry). A write is re-sent only after HTTP 503, which Cisco
   * documents as "not processed"; never after a fault that may have applied it.
   */
  async #post(p: AxlPost): Promise<AxlAnswer> {
    const deadline = Date.now() + this.#o.timeoutMs;
    const signal = p.signal;
    for (let attempt = 0; ; attempt++) {
      const r = await this.#postOnce(p);
      const kind = throttleKind(r.res, r.text);
      const retryable = kind === 'refused' || (kind === 'memory' && p.readOnly);
      const delay = kind === 'refused' ? retryAfterMs(r.res) ?? RETRY_DELAYS_MS[attempt] : RETRY_DELAYS_MS[attempt];
      if (!retryable || delay === undefined || attempt >= RETRY_DELAYS_MS.length || Date.now() + delay >= deadline || signal?.aborted) return r;
      await new Promise((done) => setTimeout(done, delay));
    }
  }

  async #postOnce(p: AxlPost): Promise<AxlAnswer> {
    const key = this.#sessionKey(p.node, p.login);
    const cookie = this.keepAlive ? this.#sessions.get(key) : undefined;
    let r = await this.#send(p, cookie);
    // An expired session answers 404 (AXL-DG), a revoked one 401: nothing was processed, so the
    // request goes again once with Basic auth, which opens a new session.
    if (cookie && (r.res.status === 404 || r.res.status === 401)) {
      this.#sessions.delete(key);
      r = await this.#send(p, undefined);
    }
    const set = ([] as string[]).concat(r.res.headers['set-cookie'] ?? []).map((c) => /^JSESSIONIDSSO=([^;\s]{1,512})/.exec(c)?.[1]).find(Boolean);
    if (set && this.keepAlive && r.res.status === 200) {
      if (this.#sessions.size >= 1000 && !this.#sessions.has(key)) this.#sessions.clear();
      this.#sessions.set(key, set);
    }
    return r;
  }

  async #send(p: AxlPost, cookie: string | undefined): Promise<AxlAnswer> {
    const { node, login, soapAction, xml, signal } = p;
    const req = {
      nodeName: node.name, host: node.host, port: node.httpsPort, tls: this.#o.tls, ...(node.spkiPin ? { spkiPin: node.spkiPin } : {}),
      method: 'POST', path: '/axl/', body: xml, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      ...(cookie ? {} : { auth: login }),
      headers: { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml', ...(soapAction ? { SOAPAction: `"${soapAction}"` } : {}), ...(cookie ? { Cookie: `JSESSIONIDSSO=${cookie}` } : {}) },
      ...(signal ? { signal } : {}), ...(this.keepAlive ? { keepAlive: this.keepAlive } : {}),
    };
    // HTTP 200 answers (often megabytes of rows) are parsed as they arrive, never buffered whole;
    // anything else is kept as text for throttle detection and error messages.
    let reader: SoapAnswerReader<unknown> | undefined;
    const builder = p.shape ? axlAnswerBuilder(p.shape.schema.model, p.shape.operation) : undefined;
    const stream = (status: number): SoapAnswerReader<unknown> | undefined => (reader = status === 200 ? new SoapAnswerReader(node.name, builder as XmlBuilder<unknown, ScannedXml> | undefined) : undefined);
    let res: OutboundResponse;
    try {
      res = await sendOutbound({ ...req, stream });
    } catch (err) {
      // The node closed a kept connection: a read goes again on a new one; a write is never re-sent.
      if (!failedOnStaleConnection(err)) throw err;
      if (!p.readOnly) {
        throw upstreamError('write_outcome_unknown', `Node "${node.name}" closed the connection while AXL ${soapAction?.split(' ').pop() ?? 'request'} was being sent; aibridge did not re-send the change, because it may have been applied`, { node: node.name, hint: 'check the object (get…) before retrying', cause: err });
      }
      res = await sendOutbound({ ...req, keepAlive: undefined, stream });
    }
    const done: SoapAnswerReader<unknown> | undefined = reader;
    if (!done) return { res, text: res.body.toString('utf8') };
    const answer = done.end();
    return { res, answer, shaped: builder !== undefined, text: answer.ok ? '' : `${answer.fault.faultstring} ${answer.fault.message ?? ''}` };
  }

  /** The schema version to talk to `node` with (detected once, then cached). */
  async schemaFor(node: CiscoNode, login: AxlLogin, signal?: AbortSignal): Promise<AxlSchema> {
    let v = this.#versions.get(node.name);
    if (!v) {
      const full = await this.detectVersion(node, login, signal);
      v = schemaVersionFor(full, this.#o.schemas.available());
      this.#versions.set(node.name, v);
    }
    return this.#o.schemas.get(v);
  }

  /** The node's full CUCM version: getCCMVersion under the 1.0 default namespace, then each bundled version. */
  async detectVersion(node: CiscoNode, login: AxlLogin, signal?: AbortSignal): Promise<string> {
    const tries: Array<[string, string | undefined]> = [['1.0', undefined], ...[...BUNDLED_AXL_VERSIONS].reverse().map((v): [string, string] => [v, `CUCM:DB ver=${v} getCCMVersion`])];
    let last: AppError | undefined;
    for (const [ns, action] of tries) {
      const xml = soapEnvelope({ ns: axlNamespace(ns) }, (w) => { w.leaf('ns:getCCMVersion', undefined); });
      const r = await this.#post({ node, login, soapAction: action, xml, readOnly: true, ...(signal ? { signal } : {}) });
      const { res, text } = r;
      this.#checkHttp(node, res, text);
      if (throttleKind(res, text)) throw this.#faultError(node, 'getCCMVersion', r);
      if (res.status !== 200) { last = this.#faultError(node, 'getCCMVersion', r); continue; }
      const ans = r.answer ?? parseSoapAnswer(text, node.name);
      const ver = ans.ok ? xText(xObj(xObj(ans.value.return)?.componentVersion)?.version).trim() : undefined;
      if (ver) return ver;
    }
    throw last ?? upstreamError('malformed_answer', `Node "${node.name}" did not report its version (getCCMVersion)`, { node: node.name, hint: 'check that the AXL service is activated on the node' });
  }

  /**
   * Run one operation; answers `{version, result}` where result mirrors `<return>` as JSON. A list*
   * answer too large for one response (the node suggests a row count) is fetched page by page.
   */
  async call(c: AxlCall): Promise<AxlResult> {
    try {
      return await this.#callOnce(c);
    } catch (err) {
      if (!(err instanceof AxlTooLargeError) || !c.operation.startsWith('list') || hasPaging(c.args)) throw err;
      // The whole paged answer gets the time of one request (the product's AXL timeout).
      return fetchAllPages((page) => this.#callOnce(page), c, err, { budgetMs: this.#o.timeoutMs });
    }
  }

  async #callOnce(c: AxlCall): Promise<AxlResult> {
    const schema = await this.schemaFor(c.node, c.login, c.signal);
    const xml = buildAxlRequest(schema, c.operation, c.args);
    const r = await this.#post({ node: c.node, login: c.login, soapAction: `CUCM:DB ver=${schema.version} ${c.operation}`, xml, readOnly: isReadOperation(c.operation), ...(c.signal ? { signal: c.signal } : {}), shape: { schema, operation: c.operation } });
    this.#checkHttp(c.node, r.res, r.text);
    if (r.res.status !== 200) throw this.#faultError(c.node, c.operation, r);
    const ans = r.answer ?? parseSoapAnswer(r.text, c.node.name);
    if (!ans.ok) throw this.#faultError(c.node, c.operation, r);
    // Answers carry <return>, except a few (listChangeResponse: queueInfo and changes directly).
    const ret = ans.value.return ?? withoutAttributes(ans.value);
    if (ret === undefined) return { version: schema.version, result: '' };
    // Shaped while it was read (one pass over 50,000 rows, no copy), or shaped now.
    if (r.answer && r.shaped) return { version: schema.version, result: ans.value.return !== undefined ? listReturn(c.operation, ret) : ret };
    return { version: schema.version, result: ans.value.return !== undefined ? shapeAxlReturn(schema.model, c.operation, ret) : shapeAxlResponse(schema.model, c.operation, ret) };
  }

  #checkHttp(node: CiscoNode, res: OutboundResponse, text: string): void {
    if (res.status === 401) throw upstreamError('auth_rejected', `Node "${node.name}" rejected the stored AXL credentials (HTTP 401)`, { node: node.name, httpStatus: 401, hint: 'an operator updates them with: aibridge credentials set --client … --node ' + node.name });
    if (res.status === 403) throw upstreamError('role_missing', `Node "${node.name}" refused AXL access for the stored user (HTTP 403)`, { node: node.name, httpStatus: 403, hint: 'give that application user the "Standard AXL API Access" role' });
    if (res.status >= 300 && res.status < 400) throw upstreamError('malformed_answer', `Node "${node.name}" answered with a redirect (HTTP ${res.status}), which aibridge does not follow`, { node: node.name, httpStatus: res.status, hint: 'check the host and port in CISCO_NODES' });
    if (res.status === 404) throw upstreamError('service_missing', `Node "${node.name}" has no AXL service at /axl/ (HTTP 404)`, { node: node.name, httpStatus: 404, hint: `check the port and that the AXL web service is activated: ${snippet(text, 80)}` });
  }

  #faultError(node: CiscoNode, operation: string, answer: AxlAnswer): AppError {
    const { res, text } = answer;
    let detail = `HTTP ${res.status}`;
    let fault: SoapFault | undefined;
    try {
      const ans = answer.answer ?? parseSoapAnswer(text, node.name);
      if (!ans.ok) { fault = ans.fault; detail = `${ans.fault.message ?? ans.fault.faultstring}${ans.fault.code ? ` (axlcode ${ans.fault.code})` : ''}`; }
    } catch { /* not XML: keep the status */ }
    const throttled = throttleKind(res, text) !== undefined;
    const rows = /Suggestive Row Fetch: less than (\d+) rows/.exec(detail);
    if (rows) return new AxlTooLargeError(`AXL ${operation} on node "${node.name}" matches too many rows for one answer: ${snippet(detail)}`, Number(rows[1]), node.name, fault?.code);
    return upstreamError(throttled ? 'throttled' : fault ? 'soap_fault' : httpReason(res.status), `AXL ${operation} failed on node "${node.name}": ${snippet(detail)}`, {
      node: node.name, httpStatus: res.status, ...(fault?.code ? { ciscoCode: fault.code } : {}),
      // A throttled write may have been applied (only HTTP 503 says "not processed"): not retryable as is.
      ...(throttled && !isReadOperation(operation) && res.status !== 503 ? { retryable: false } : {}),
      hint: throttled
        ? (isReadOperation(operation) ? 'the node is throttling AXL; retry later or ask for fewer rows (skip/first)' : 'the node is throttling AXL writes; aibridge did not re-send this change because it may have been applied: check the object before retrying')
        : 'fix the request (cucm_axl_describe shows the schema) or check the referenced objects exist',
    });
  }
}

/** The content of an answer element without its attributes (sequence, namespace declarations). */
function withoutAttributes(v: XObject): XObject | undefined {
  const out: XObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('@') && x !== undefined) out[k] = x;
  return Object.keys(out).length > 0 ? out : undefined;
}
