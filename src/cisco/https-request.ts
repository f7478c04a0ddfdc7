/**
 * @module One outbound HTTP(S) request to a declared Cisco node: TLS handshake first (CA bundle,
 * hostname check, optional SPKI pin) before a single byte of the request (and its credentials) is
 * sent; no redirects followed; bounded response size and total time.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { OnReadOpts, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { AppError } from '../lib/errors.ts';
import type { TlsPolicy } from './tls-policy.ts';
import { tlsKeys } from './tls-policy.ts';
import { describeNetworkError } from './network-error.ts';
import { upstreamError } from './upstream-error.ts';
import { acquireSlot } from './node-gate.ts';
import type { KeepAlivePool } from './keep-alive.ts';

export interface OutboundRequest {
  /** Declared node name (for messages). */
  nodeName: string;
  host: string;
  port: number;
  /** TLS policy; undefined = plain HTTP (phones only). */
  tls?: TlsPolicy;
  /** Pinned base64 SHA-256 of the SPKI. */
  spkiPin?: string;
  /**
   * The name the peer certificate must carry (subject CN or a DNS SAN) instead of `host`: a phone's
   * MIC/LSC names the device (SEP…), not its address. The chain is verified as always.
   */
  peerName?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  auth?: { user: string; password: string };
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /**
   * Reuse connections from this pool (HTTP/1.1 keep-alive). A pooled socket is only taken for the
   * same host, port, TLS policy and pin it was verified against when it was opened.
   */
  keepAlive?: KeepAlivePool;
  /**
   * Read the body as it arrives instead of buffering it: called once the status is known; a sink
   * it returns receives every piece of the body (still counted against maxBytes) and `body` is
   * then empty. Return undefined to buffer as usual (e.g. for anything but HTTP 200). The sink
   * must not throw (record an error and report it later).
   */
  stream?: (status: number) => BodySink | undefined;
}

export interface BodySink { write(chunk: Buffer): void }

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request went over a connection kept from an earlier request. */
  reused?: boolean;
}

/** What a pooled connection was verified against. */
function poolKey(req: OutboundRequest): string {
  return JSON.stringify([req.host, req.port, req.tls?.product ?? 'plain', req.tls?.verify ?? false, req.spkiPin ?? '']);
}

function spkiHash(sock: TLSSocket): string {
  const cert = sock.getPeerX509Certificate();
  if (!cert) return '';
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

/** A certificate check that accepts only a certificate naming `name` (CN or DNS SAN, without regard to case). */
function namesPeer(name: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const want = name.toUpperCase();
  return (_host, cert) => {
    const cn = String(cert.subject?.CN ?? '').toUpperCase();
    const dns = String(cert.subjectaltname ?? '').split(',').map((x) => x.trim()).filter((x) => x.startsWith('DNS:')).map((x) => x.slice(4).toUpperCase());
    if (cn === want || dns.includes(want)) return undefined;
    const err = new Error(`certificate names "${cn || dns[0] || '(nothing)'}", not "${name}"`) as Error & { code: string };
    err.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return err;
  };
}

/** Connect to the node (TLS verified and pinned before anything is written); shared with https-stream.ts. */
export function open(req: Pick<OutboundRequest, 'tls' | 'host' | 'port' | 'spkiPin' | 'nodeName' | 'peerName'> & { onread?: OnReadOpts }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const { tls, host, port } = req;
    // onread: every read lands in one reused buffer (net and tls both take it; @types/node lists it for net only).
    const onread = req.onread ? { onread: req.onread } : {};
    if (!tls) {
      const s = netConnect({ host, port, ...onread });
      s.once('connect', () => { s.off('error', reject); resolve(s); });
      s.once('error', reject);
      return;
    }
    const s = tlsConnect({
      host, port, ...(isIP(host) === 0 ? { servername: host } : {}), rejectUnauthorized: tls.verify,
      ...(tls.ca ? { ca: tls.ca } : {}), ALPNProtocols: ['http/1.1'], ...(req.peerName ? { checkServerIdentity: namesPeer(req.peerName) } : {}), ...onread,
    });
    s.once('secureConnect', () => {
      s.off('error', reject);
      if (req.spkiPin && spkiHash(s) !== req.spkiPin) {
        s.destroy();
        reject(upstreamError('tls_pin_mismatch', `TLS certificate of node "${req.nodeName}" does not match its pin in CISCO_NODE_PINS`, {
          node: req.nodeName, hint: 'nothing was sent; if the node\'s certificate was renewed on purpose, update CISCO_NODE_PINS',
        }));
        return;
      }
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * Perform the request (at most MAX_PER_ENDPOINT at a time per host:port); throws an
 * `upstreamError` with an explanation on network/TLS failures.
 */
export async function sendOutbound(req: OutboundRequest): Promise<OutboundResponse> {
  const release = await acquireSlot({ key: `${req.host}:${req.port}`, what: `Node "${req.nodeName}" (${req.host}:${req.port})`, deadline: Date.now() + req.timeoutMs });
  try {
    return await sendOnce(req);
  } finally {
    release();
  }
}

async function sendOnce(req: OutboundRequest): Promise<OutboundResponse> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), req.timeoutMs);
  const onAbort = (): void => ctl.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let sock: Socket | undefined;
  let keep = false;
  const key = req.keepAlive ? poolKey(req) : '';
  const pooled = req.keepAlive?.take(key);
  try {
    if (pooled) {
      pooled.ref();
      sock = pooled;
    } else {
      const opening = open(req);
      ctl.signal.addEventListener('abort', () => { void opening.then((s) => s.destroy()).catch(() => undefined); }, { once: true });
      sock = await Promise.race([opening, new Promise<never>((_, rej) => ctl.signal.addEventListener('abort', () => rej(new Error('ETIMEDOUT')), { once: true }))]);
    }
    const s = sock;
    const res = await new Promise<OutboundResponse>((resolve, reject) => {
      const headers: Record<string, string> = { Host: isIP(req.host) === 6 ? `[${req.host}]:${req.port}` : `${req.host}:${req.port}`, Connection: req.keepAlive ? 'keep-alive' : 'close', ...req.headers };
      if (req.auth) headers.Authorization = `Basic ${Buffer.from(`${req.auth.user}:${req.auth.password}`, 'utf8').toString('base64')}`;
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      // The abort is wired by hand: http.request's `signal` option costs an end-of-stream watcher per request (0.7 % of a getCCMVersion call's CPU).
      const r = httpRequest({ method: req.method, path: req.path, headers, createConnection: () => s }, (res) => {
        const chunks: Buffer[] = [];
        const sink = req.stream?.(res.statusCode ?? 0);
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > req.maxBytes) {
            res.destroy();
            reject(upstreamError('answer_too_large', `Answer from node "${req.nodeName}" is larger than ${req.maxBytes} bytes and was cut off`, { node: req.nodeName, httpStatus: res.statusCode, hint: 'ask for less: fewer returnedTags, a narrower search, or page with skip/first' }));
            return;
          }
          if (sink) sink.write(c);
          else chunks.push(c);
        });
        res.on('end', () => {
          // Kept only after a complete answer the node did not mark as the connection's last.
          keep = req.keepAlive !== undefined && res.complete && !/\bclose\b/i.test(String(res.headers.connection ?? ''));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: sink ? Buffer.alloc(0) : Buffer.concat(chunks), ...(pooled ? { reused: true } : {}) });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      const cut = (): void => { r.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })); };
      if (ctl.signal.aborted) cut();
      else ctl.signal.addEventListener('abort', cut, { once: true });
      r.end(req.body);
    });
    return res;
  } catch (err) {
    keep = false;
    if (err instanceof AppError) throw err;
    const timedOut = ctl.signal.aborted && !req.signal?.aborted;
    const e = describeNetworkError(err, { node: req.nodeName, host: `${req.host}:${req.port}`, timedOut, timeoutMs: req.timeoutMs, tlsKeys: req.tls ? req.tls.keys ?? tlsKeys(req.tls.product) : undefined });
    if (pooled && !timedOut) (e as AppError & { staleConnection?: boolean }).staleConnection = true;
    throw e;
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    if (keep && sock && req.keepAlive) req.keepAlive.put(key, sock);
    else sock?.destroy();
  }
}

/** True when a request failed on a kept connection the node had already closed (nothing was answered). */
export function failedOnStaleConnection(err: unknown): boolean {
  return err instanceof AppError && (err as AppError & { staleConnection?: boolean }).staleConnection === true;
}
