/**
 * @module The serviceability SOAP services of a declared CUCM node over HTTPS: Control Center,
 * Log Collection + DIME GetOneFile (streamed to disk), PerfMon (with the node's request budget)
 * and CDRonDemand. Every answer is size-capped before parsing; throttling, 401 and faults are
 * turned into errors that say what to do.
 */
import { open as openFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { tempFileBeside, commitTempFile } from '../../lib/atomic-write.ts';
import { NodeBudget } from '../node-budget.ts';
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { sendOutbound } from '../https-request.ts';
import { streamOutbound } from '../https-stream.ts';
import type { BodyConsumer } from '../https-stream.ts';
import { parseSoapAnswer, snippet } from '../soap/soap-response.ts';
import { CONTROL_CENTER_PATH, buildDoControlServices, buildGetServiceStatus, readServiceStatus } from './control-center.ts';
import type { ControlType, ServiceStatusAnswer } from './control-center.ts';
import { DIME_GET_FILE_PATH, LOG_COLLECTION_PATH, buildGetOneFile, buildListNodeServiceLogs, buildSelectLogFiles, readNodeServiceLogs, readSelectedFiles } from './log-collection.ts';
import type { LogFile, LogSelection, NodeServiceLogs } from './log-collection.ts';
import { contentTypeParams, multipartBoundary } from './multipart.ts';
import { MultipartFile } from './multipart-file.ts';
import { PERFMON_PATH } from './perfmon.ts';
import { CDR_ON_DEMAND_PATH, buildGetFileList, readFileList } from './cdr-on-demand.ts';
import { httpReason, upstreamError } from '../upstream-error.ts';

export interface ServiceabilityOptions {
  tls: TlsPolicy;
  timeoutMs: number;
  /** Cap on any SOAP answer (selectLogFiles of a busy node is the largest). */
  maxBytes: number;
  /** PerfMon requests per minute per node (Cisco: 80). */
  perfmonPerMinute: number;
}

export interface Login { user: string; password: string }

export interface DownloadResult { path: string; bytes: number; contentType: string }

export interface DownloadOptions {
  /** Final location; the file is streamed to a temp file beside it (mode 600) and renamed when complete. */
  dest: string;
  maxBytes: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | undefined) => void;
}

const RATE_TEXT = /Exceeded allowed rate for (Perfmon|Reatime|Realtime) information|RateControl/i;

export class ServiceabilityClient {
  #o: ServiceabilityOptions;
  #perfmon: NodeBudget;

  constructor(options: ServiceabilityOptions) {
    this.#o = options;
    this.#perfmon = new NodeBudget('PerfMon', options.perfmonPerMinute);
  }

  /** Requests left in this minute's PerfMon budget for a node. */
  perfmonBudget(node: CiscoNode): number {
    return this.#perfmon.left(node.name);
  }

  async #soap(call: { node: CiscoNode; login: Login; path: string; action: string; body: string; signal?: AbortSignal; what: string }): Promise<XObject> {
    const { node } = call;
    if (call.path === PERFMON_PATH) this.#perfmon.spend(node.name);
    const res = await sendOutbound({
      nodeName: node.name, host: node.host, port: node.httpsPort, tls: this.#o.tls, ...(node.spkiPin ? { spkiPin: node.spkiPin } : {}),
      method: 'POST', path: call.path, body: call.body, auth: call.login,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${call.action}"` }, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const text = res.body.toString('utf8');
    if (res.status === 401) throw upstreamError('auth_rejected', `Node "${node.name}" rejected the stored credentials for ${call.what} (HTTP 401)`, { node: node.name, httpStatus: 401, hint: 'the user needs the "Standard CCM Admin Users" and "Standard Serviceability" roles; update with aibridge credentials set' });
    if (RATE_TEXT.test(text) || res.status === 503) throw upstreamError('throttled', `Node "${node.name}" is throttling ${call.what} requests`, { node: node.name, httpStatus: res.status, hint: 'wait about 30 s and retry; the node counts every client\'s requests together' });
    if (res.status === 404) throw upstreamError('service_missing', `Node "${node.name}" has no ${call.what} service at ${call.path} (HTTP 404)`, { node: node.name, httpStatus: 404, hint: 'check that the node is a CUCM node and that the serviceability web services are activated' });
    const ans = parseSoapAnswer(text, node.name);
    if (!ans.ok) throw upstreamError('soap_fault', `${call.what} ${call.action} failed on node "${node.name}": ${snippet(ans.fault.faultstring)}`, { node: node.name, httpStatus: res.status, ciscoCode: ans.fault.code, hint: 'check the names given (service, object, counter, file) against the node\'s lists' });
    if (res.status !== 200) throw upstreamError(httpReason(res.status), `${call.what} on node "${node.name}" answered HTTP ${res.status}`, { node: node.name, httpStatus: res.status, hint: 'check the node\'s Cisco Tomcat and serviceability services' });
    return ans.value;
  }

  // --- Control Center ---

  async serviceStatus(node: CiscoNode, login: Login, names: readonly string[] = [], signal?: AbortSignal): Promise<ServiceStatusAnswer> {
    const v = await this.#soap({ node, login, path: CONTROL_CENTER_PATH, action: 'soapGetServiceStatus', body: buildGetServiceStatus(names), what: 'Control Center', ...(signal ? { signal } : {}) });
    return readServiceStatus(v);
  }

  async controlServices(node: CiscoNode, login: Login, control: ControlType, names: readonly string[], signal?: AbortSignal): Promise<ServiceStatusAnswer> {
    const v = await this.#soap({ node, login, path: CONTROL_CENTER_PATH, action: 'soapDoControlServices', body: buildDoControlServices(node.name, control, names), what: 'Control Center', ...(signal ? { signal } : {}) });
    return readServiceStatus(v);
  }

  // --- Log collection ---

  async listNodeServiceLogs(node: CiscoNode, login: Login, signal?: AbortSignal): Promise<NodeServiceLogs[]> {
    const v = await this.#soap({ node, login, path: LOG_COLLECTION_PATH, action: 'listNodeServiceLogs', body: buildListNodeServiceLogs(), what: 'Log Collection', ...(signal ? { signal } : {}) });
    return readNodeServiceLogs(v);
  }

  async selectLogFiles(node: CiscoNode, login: Login, sel: LogSelection, maxFiles: number, signal?: AbortSignal): Promise<{ node: string; files: LogFile[]; truncated: boolean }> {
    const v = await this.#soap({ node, login, path: LOG_COLLECTION_PATH, action: 'selectLogFiles', body: buildSelectLogFiles(sel), what: 'Log Collection', ...(signal ? { signal } : {}) });
    return readSelectedFiles(v, maxFiles);
  }

  /**
   * DIME GetOneFile: the answer is multipart/related (SOAP with attachments): a SOAP part, then
   * the file. The file part streams to a temp file (flat memory), is size-capped, and is renamed
   * into place only once the closing boundary arrived. A SOAP fault instead of a multipart body
   * (missing file, no permission) becomes a clear error.
   */
  async getOneFile(node: CiscoNode, login: Login, filePath: string, opts: DownloadOptions): Promise<DownloadResult> {
    const body = buildGetOneFile(filePath);
    // The temp file exists before the request goes out, so the answer can be written as it is read.
    await mkdir(dirname(opts.dest), { recursive: true, mode: 0o700 });
    const tmp = tempFileBeside(opts.dest);
    const fh = await openFile(tmp, 'wx', 0o600);
    let committed = false;
    try {
      const got = await streamOutbound({
        nodeName: node.name, host: node.host, port: node.httpsPort, tls: this.#o.tls, ...(node.spkiPin ? { spkiPin: node.spkiPin } : {}),
        method: 'POST', path: DIME_GET_FILE_PATH, body, auth: login, idleTimeoutMs: this.#o.timeoutMs,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://schemas.cisco.com/ast/soap/action/#LogCollectionPort#GetOneFile"' },
        ...(opts.signal ? { signal: opts.signal } : {}),
      }, (res, resume) => {
        const ctype = res.headers['content-type'] ?? '';
        if (res.statusCode === 401) throw upstreamError('auth_rejected', `Node "${node.name}" rejected the stored credentials for DIME (HTTP 401)`, { node: node.name, httpStatus: 401, hint: 'the user needs the "Standard Serviceability" role; update with aibridge credentials set' });
        if (ctype.toLowerCase().startsWith('multipart/')) return new MultipartFile({ fh, boundary: multipartBoundary(ctype), start: contentTypeParams(ctype).params.start, maxBytes: opts.maxBytes, nodeName: node.name, resume, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
        return cappedText(256 * 1024, (text) => {
          if (RATE_TEXT.test(text) || res.statusCode === 503) throw upstreamError('throttled', `Node "${node.name}" is throttling DIME downloads`, { node: node.name, httpStatus: res.statusCode, hint: 'wait about 30 s and retry' });
          if (/^application\/dime/i.test(ctype)) throw upstreamError('unsupported', `Node "${node.name}" answered in the old binary DIME format, which aibridge does not read`, { node: node.name, hint: 'use a CUCM release that answers GetOneFile with SOAP attachments (9.x and later)' });
          let why = `HTTP ${res.statusCode}`;
          let fault = false;
          try { const a = parseSoapAnswer(text, node.name); if (!a.ok) { why = snippet(a.fault.faultstring); fault = true; } } catch { /* not SOAP: keep the status */ }
          throw upstreamError(fault ? 'soap_fault' : httpReason(res.statusCode), `GetOneFile of "${filePath.slice(0, 200)}" failed on node "${node.name}": ${why}`, { node: node.name, httpStatus: res.statusCode, hint: 'check the path with cucm_log_find; the file may have been rotated away' });
        });
      });
      await fh.sync();
      await fh.close();
      await commitTempFile(tmp, opts.dest);
      committed = true;
      return { path: opts.dest, ...got };
    } finally {
      if (!committed) {
        await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
      }
    }
  }

  // --- PerfMon ---

  /** One PerfMon request (counts against the node's budget). */
  perfmon(node: CiscoNode, login: Login, action: string, body: string, signal?: AbortSignal): Promise<XObject> {
    return this.#soap({ node, login, path: PERFMON_PATH, action, body, what: 'PerfMon', ...(signal ? { signal } : {}) });
  }

  // --- CDR on demand ---

  async cdrFileList(node: CiscoNode, login: Login, from: Date, to: Date, signal?: AbortSignal): Promise<string[]> {
    try {
      const v = await this.#soap({ node, login, path: CDR_ON_DEMAND_PATH, action: 'get_file_list', body: buildGetFileList(from, to), what: 'CDRonDemand', ...(signal ? { signal } : {}) });
      return readFileList(v);
    } catch (err) {
      // CUCM answers an empty window with a fault rather than an empty list.
      if (err instanceof AppError && /No file found within the specified time range/i.test(err.message)) return [];
      throw err;
    }
  }
}

/** A consumer for a short non-multipart answer (a fault): at most `max` bytes, then `judge` throws the right error. */
function cappedText(max: number, judge: (text: string) => never): BodyConsumer<never> {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    data(chunk) {
      size += chunk.length;
      if (size > max) throw upstreamError('answer_too_large', `Answer larger than ${max} bytes where a short SOAP message was expected`, { hint: 'the node answered unexpectedly; check its DIME service' });
      chunks.push(Buffer.from(chunk));
      return true;
    },
    end: async () => judge(Buffer.concat(chunks).toString('utf8')),
  };
}
