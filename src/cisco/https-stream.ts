/**
 * @module One outbound HTTPS request whose answer is consumed as it arrives (large DIME downloads):
 * the same connection rules as https-request.ts (TLS verified and pinned before a byte is sent,
 * per-node concurrency gate, no redirects), but instead of a total deadline an idle timeout: the
 * request fails when the node sends nothing for `idleTimeoutMs`, however long the download is.
 *
 * Every read lands in one reused buffer (the socket's `onread`) and is parsed in place
 * (http-response-reader.ts): a 200 MB answer allocates nothing per TLS record, so memory stays
 * flat and the CPU goes to the bytes, not to a stream object per 16 KiB (measured: bench/README.md).
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { AppError } from '../lib/errors.ts';
import type { OutboundRequest } from './https-request.ts';
import { open } from './https-request.ts';
import { HttpResponseReader } from './http-response-reader.ts';
import type { ResponseHead } from './http-response-reader.ts';
import { tlsKeys } from './tls-policy.ts';
import { describeNetworkError } from './network-error.ts';
import { acquireSlot } from './node-gate.ts';
import { upstreamError } from './upstream-error.ts';

export type StreamRequest = Omit<OutboundRequest, 'maxBytes' | 'timeoutMs' | 'keepAlive' | 'stream'> & { idleTimeoutMs: number };
export type { ResponseHead } from './http-response-reader.ts';

/** What reads one answer's body. */
export interface BodyConsumer<T> {
  /**
   * A piece of the body: a view of the reused read buffer, valid only during the call (copy what
   * must outlive it). Return false to stop reading until the `resume` given with the head is called.
   */
  data(chunk: Buffer): boolean;
  /** The body ended (as its framing says, or with the connection when it has none); the result. */
  end(): Promise<T>;
}

/** Size of the reused read buffer: TLS hands over at most one 16 KiB record per read anyway. */
const READ_BUFFER_BYTES = 64 * 1024;
const HEADER_SAFE = /^[^\r\n\0]*$/;

/** The request head as sent: fixed `Connection: close` (one request per connection). */
function requestHead(req: StreamRequest, bodyBytes: number): string {
  const headers: Record<string, string> = { Host: isIP(req.host) === 6 ? `[${req.host}]:${req.port}` : `${req.host}:${req.port}`, ...req.headers, Connection: 'close' };
  if (req.auth) headers.Authorization = `Basic ${Buffer.from(`${req.auth.user}:${req.auth.password}`, 'utf8').toString('base64')}`;
  if (req.body !== undefined) headers['Content-Length'] = String(bodyBytes);
  const lines = [`${req.method} ${req.path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  // Nothing here comes from an agent, but a CR or LF would split the request: refuse rather than send.
  if (!/^[A-Z]+$/.test(req.method) || !/^\/[^\s]*$/.test(req.path) || !lines.every((l) => HEADER_SAFE.test(l))) {
    throw new AppError('E_INTERNAL', `Refused to send a malformed request to node "${req.nodeName}"`, { hint: 'this is a bug in aibridge; report it' });
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Send the request and hand the answer to the consumer `start` returns for its head; the socket
 * is destroyed when that consumer's `end` settles, on a parse or consumer error, on idle timeout
 * and on abort. A consumer that throws from `start` or `data` fails the request with that error.
 */
export async function streamOutbound<T>(req: StreamRequest, start: (head: ResponseHead, resume: () => void) => BodyConsumer<T>): Promise<T> {
  const release = await acquireSlot({ key: `${req.host}:${req.port}`, what: `Node "${req.nodeName}" (${req.host}:${req.port})`, deadline: Date.now() + req.idleTimeoutMs });
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let idle = false;
  // One timer, re-armed on every read (refresh() rather than a new timer per read).
  const touch = (): void => {
    if (timer) { timer.refresh(); return; }
    timer = setTimeout(() => { idle = true; ctl.abort(); }, req.idleTimeoutMs);
  };
  const onAbort = (): void => ctl.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let sock: Socket | undefined;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const head = requestHead(req, body?.length ?? 0);
  let settle: { resolve: (v: T) => void; reject: (e: unknown) => void } | undefined;
  const answer = new Promise<T>((resolve, reject) => { settle = { resolve, reject }; });
  let settled = false;
  const fail = (err: unknown): void => { if (!settled) { settled = true; settle!.reject(err); } };
  let consumer: BodyConsumer<T> | undefined;
  let pause = false;
  const parser = new HttpResponseReader(req.nodeName, {
    // While paused the node is waiting for us, not we for it: the idle clock restarts on resume.
    head: (h) => { consumer = start(h, () => { if (!settled) { touch(); sock?.resume(); } }); },
    body: (d) => { if (!consumer!.data(d)) pause = true; },
  });
  const complete = (): void => {
    if (settled) return;
    settled = true;
    consumer!.end().then(settle!.resolve, settle!.reject);
  };
  const onread = (n: number, b: Uint8Array): boolean => {
    if (settled) return false;
    touch();
    pause = false;
    try {
      parser.push((b as Buffer).subarray(0, n));
    } catch (err) { fail(err); return false; }
    if (parser.done) { complete(); return false; }
    return !pause;
  };
  const ended = (): void => {
    if (settled) return;
    try { parser.finish(); } catch (err) { fail(err); return; }
    complete();
  };
  try {
    touch();
    const opening = open({ ...req, onread: { buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES), callback: onread } });
    sock = await Promise.race([opening, new Promise<never>((_, rej) => ctl.signal.addEventListener('abort', () => { void opening.then((s) => s.destroy()).catch(() => undefined); rej(new Error('ETIMEDOUT')); }, { once: true }))]);
    const s = sock;
    ctl.signal.addEventListener('abort', () => fail(new Error('ETIMEDOUT')), { once: true });
    s.on('error', fail);
    s.on('end', ended);
    s.on('close', ended);
    s.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
    return await answer;
  } catch (err) {
    if (ctl.signal.aborted && req.signal?.aborted) throw upstreamError('cancelled', `Download from node "${req.nodeName}" was cancelled`, { node: req.nodeName, hint: 'nothing was kept', cause: err });
    if (err instanceof AppError) throw err;
    throw describeNetworkError(err, { node: req.nodeName, host: `${req.host}:${req.port}`, timedOut: idle, timeoutMs: req.idleTimeoutMs, tlsKeys: req.tls ? tlsKeys(req.tls.product) : undefined });
  } finally {
    settled = true;
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    sock?.destroy();
    release();
  }
}
