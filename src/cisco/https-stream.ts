/**
 * @module One outbound HTTPS request whose answer is consumed as a stream (large DIME downloads):
 * the same connection rules as https-request.ts (TLS verified and pinned before a byte is sent,
 * per-node concurrency gate, no redirects), but instead of a total deadline an idle timeout: the
 * request fails when the node sends nothing for `idleTimeoutMs`, however long the download is.
 */
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { AppError } from '../lib/errors.ts';
import type { OutboundRequest } from './https-request.ts';
import { open } from './https-request.ts';
import { tlsKeys } from './tls-policy.ts';
import { describeNetworkError } from './network-error.ts';
import { acquireSlot } from './node-gate.ts';
import { upstreamError } from './upstream-error.ts';

export type StreamRequest = Omit<OutboundRequest, 'maxBytes' | 'timeoutMs'> & { idleTimeoutMs: number };

/**
 * Send the request and hand the response stream to `consume`; the socket is destroyed when
 * `consume` settles, on idle timeout and on abort. `consume` must read or discard the body.
 */
export async function streamOutbound<T>(req: StreamRequest, consume: (res: IncomingMessage, signal: AbortSignal) => Promise<T>): Promise<T> {
  const release = await acquireSlot({ key: `${req.host}:${req.port}`, what: `Node "${req.nodeName}" (${req.host}:${req.port})`, deadline: Date.now() + req.idleTimeoutMs });
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let idle = false;
  // One timer, re-armed on every socket chunk (refresh() rather than a new timer per chunk).
  const touch = (): void => {
    if (timer) { timer.refresh(); return; }
    timer = setTimeout(() => { idle = true; ctl.abort(); }, req.idleTimeoutMs);
  };
  const onAbort = (): void => ctl.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let sock: Socket | undefined;
  try {
    touch();
    const opening = open(req);
    sock = await Promise.race([opening, new Promise<never>((_, rej) => ctl.signal.addEventListener('abort', () => { void opening.then((s) => s.destroy()).catch(() => undefined); rej(new Error('ETIMEDOUT')); }, { once: true }))]);
    const s = sock;
    s.on('data', touch);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { Host: isIP(req.host) === 6 ? `[${req.host}]:${req.port}` : `${req.host}:${req.port}`, Connection: 'close', ...req.headers };
      if (req.auth) headers.Authorization = `Basic ${Buffer.from(`${req.auth.user}:${req.auth.password}`, 'utf8').toString('base64')}`;
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const r = httpRequest({ method: req.method, path: req.path, headers, createConnection: () => s, signal: ctl.signal }, resolve);
      r.on('error', reject);
      r.end(req.body);
    });
    return await consume(res, ctl.signal);
  } catch (err) {
    if (ctl.signal.aborted && req.signal?.aborted) throw upstreamError('cancelled', `Download from node "${req.nodeName}" was cancelled`, { node: req.nodeName, hint: 'nothing was kept', cause: err });
    if (err instanceof AppError) throw err;
    throw describeNetworkError(err, { node: req.nodeName, host: `${req.host}:${req.port}`, timedOut: idle, timeoutMs: req.idleTimeoutMs, tlsKeys: req.tls ? tlsKeys(req.tls.product) : undefined });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    sock?.destroy();
    release();
  }
}
