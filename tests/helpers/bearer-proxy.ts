/**
 * @module A loopback plain-HTTP proxy that forwards to the HTTPS MCP endpoint with a fixed
 * Authorization header: lets tools with no header option (the MCP conformance CLI) run against
 * an authenticated server. Test use only; listens on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';

export interface BearerProxy { url: string; close(): Promise<void> }

export function startBearerProxy(targetPort: number, token: string, ca: string): Promise<BearerProxy> {
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers, host: `127.0.0.1:${targetPort}`, authorization: `Bearer ${token}` };
    delete headers.origin;
    const up = request({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers, ca, servername: 'localhost' }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
  }));
}
