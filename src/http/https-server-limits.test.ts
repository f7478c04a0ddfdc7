/** Issue #12 item 11 (T-RX-04, T-RX-08): connections that never start TLS are dropped, and a global connection cap holds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startHttpsServer, HANDSHAKE_TIMEOUT_MS } from './https-server.ts';
import { generateSelfSignedCert } from '../tls/self-signed-cert.ts';

async function cert(): Promise<{ certPem: string; keyPem: string }> {
  return generateSelfSignedCert({ dns: ['localhost'], ips: ['127.0.0.1'] });
}

function open(port: number, host: string): Promise<Socket> {
  return new Promise((res, rej) => { const s = connect({ port, host }, () => res(s)); s.on('error', rej); });
}
const closed = (s: Socket): Promise<void> => new Promise((r) => { if (s.destroyed) r(); else s.once('close', () => r()); });

test('#12.11 a connection that never starts TLS is dropped at the handshake deadline (10 s by default)', { timeout: 30_000 }, async () => {
  assert.equal(HANDSHAKE_TIMEOUT_MS, 10_000);
  const { certPem, keyPem } = await cert();
  const srv = await startHttpsServer({ fetch: () => new Response('ok'), certPem, keyPem, maxConnectionsPerIp: 64, handshakeTimeoutMs: 300 }, '127.0.0.1', 0);
  try {
    const port = (srv.server.address() as { port: number }).port;
    const idle = await open(port, '127.0.0.1');
    idle.on('error', () => undefined);
    await closed(idle); // resolves only because the server dropped it; the old 120 s idle timeout would time the test out
  } finally { await srv.close(1000); }
});

test('#12.11 a global cap on open connections holds across source addresses', { timeout: 30_000 }, async () => {
  const { certPem, keyPem } = await cert();
  const refused: string[] = [];
  const srv = await startHttpsServer({ fetch: () => new Response('ok'), certPem, keyPem, maxConnectionsPerIp: 64, maxConnections: 3, onConnectionRefused: (_ip, cap) => refused.push(cap ?? '') }, '127.0.0.1', 0);
  try {
    const port = (srv.server.address() as { port: number }).port;
    const held: Socket[] = [];
    for (const host of ['127.0.0.1', '127.0.0.1', '127.0.0.1']) held.push(await open(port, host));
    // Wait until the server has counted the three before trying more.
    while (srv.server.listenerCount('connection') > 0 && (await new Promise<number>((r) => srv.server.getConnections((_e, n) => r(n)))) < 3) await new Promise((r) => setImmediate(r));
    const extra = [await open(port, '127.0.0.1'), await open(port, '127.0.0.1')];
    for (const s of extra) { s.on('error', () => undefined); await closed(s); }
    assert.deepEqual(refused, ['global', 'global']);
    for (const s of held) assert.equal(s.destroyed, false);
    for (const s of held) s.destroy();
  } finally { await srv.close(1000); }
});
