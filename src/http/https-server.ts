/**
 * @module The HTTPS listener: TLS options, slow-client limits (header/request timeouts, a cap on
 * open connections per source IP and in total), strict request framing, and graceful close that
 * lets in-flight requests finish. Rule (issue #12 item 11, T-RX-04, T-RX-08): a connection that
 * does not finish its TLS handshake within HANDSHAKE_TIMEOUT_MS is dropped, and no more than
 * `maxConnections` connections (handshaking or not) are open at once, whatever their sources.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { AppError } from '../lib/errors.ts';
import { tlsServerOptions } from '../tls/tls-options.ts';

export interface HttpsServerOptions {
  fetch: (req: Request, env: unknown) => Response | Promise<Response>;
  certPem: string;
  keyPem: string;
  maxConnectionsPerIp: number;
  /** Open connections in total (default 1024). */
  maxConnections?: number;
  /** TLS handshake deadline (default HANDSHAKE_TIMEOUT_MS). */
  handshakeTimeoutMs?: number;
  /** Called when a connection is refused for exceeding the per-IP or the global cap. */
  onConnectionRefused?(ip: string, cap?: 'per_ip' | 'global'): void;
}

export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;

export interface RunningServer { server: Server; close(timeoutMs: number): Promise<void> }

function badRequest(res: ServerResponse, message: string): void {
  res.writeHead(400, { 'Content-Type': 'application/json', Connection: 'close' });
  res.end(JSON.stringify({ error: 'bad_request', message }));
}

/** Reject request shapes Node would otherwise tolerate (T-TR-06, T-TR-13). */
function framingProblem(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  let lengths = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    if (name === 'host') hosts++;
    if (name === 'content-length') lengths++;
  }
  if (hosts !== 1) return 'exactly one Host header is required';
  if (lengths > 1) return 'duplicate Content-Length';
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] !== undefined) return 'Content-Length with Transfer-Encoding';
  const te = req.headers['transfer-encoding'];
  if (te !== undefined && te.toLowerCase() !== 'chunked') return 'unsupported Transfer-Encoding';
  const url = req.url ?? '';
  if (!url.startsWith('/') || url.startsWith('//')) return 'request target must be an origin-form path';
  return undefined;
}

/** Start listening; rejects with E_PORT_IN_USE when the port is taken. */
export async function startHttpsServer(options: HttpsServerOptions, host: string, port: number): Promise<RunningServer> {
  const listener = getRequestListener(options.fetch);
  const server = createServer({
    ...tlsServerOptions(options.certPem, options.keyPem),
    // Slowloris: check header/request deadlines every second (Node's default is every 30 s).
    connectionsCheckingInterval: 1_000, headersTimeout: 10_000, requestTimeout: 30_000,
    handshakeTimeout: options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
  }, (req, res) => {
    const problem = framingProblem(req);
    if (problem) { badRequest(res, problem); return; }
    void listener(req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.setTimeout(120_000);
  const perIp = new Map<string, number>();
  const sockets = new Set<Socket>();
  const maxTotal = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    if (sockets.size >= maxTotal) {
      options.onConnectionRefused?.(ip, 'global');
      socket.destroy();
      return;
    }
    const count = (perIp.get(ip) ?? 0) + 1;
    if (count > options.maxConnectionsPerIp) {
      options.onConnectionRefused?.(ip, 'per_ip');
      socket.destroy();
      return;
    }
    perIp.set(ip, count);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip); else perIp.set(ip, n);
    });
  });
  server.on('tlsClientError', (_err, socket) => { socket.destroy(); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new AppError('E_PORT_IN_USE', `Port ${port} on ${host} is already in use`, { hint: 'stop the other process or change MCP_SERVER_PORT in .env', cause: err }));
      else if (err.code === 'EACCES') reject(new AppError('E_PORT_IN_USE', `Not allowed to listen on ${host}:${port}`, { hint: 'use a port above 1024 or grant the capability', cause: err }));
      else if (err.code === 'EADDRNOTAVAIL') reject(new AppError('E_PORT_IN_USE', `Address ${host} is not on this host`, { hint: 'fix MCP_SERVER_HOST in .env', cause: err }));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    close(timeoutMs: number) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => { for (const s of sockets) s.destroy(); resolve(); }, timeoutMs);
        timer.unref();
        server.close(() => { clearTimeout(timer); resolve(); });
        server.closeIdleConnections();
      });
    },
  };
}
