import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sendOutbound } from './https-request.ts';
import { KeepAlivePool } from './keep-alive.ts';
import { activeSlots, MAX_PER_ENDPOINT } from './node-gate.ts';
import type { OutboundRequest } from './https-request.ts';
import { AppError } from '../lib/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'aibridge-tls-'));
function openssl(...args: string[]): void { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }); }
let server: Server;
let port = 0;
let caPem = '';
let pin = '';
const seen: string[] = [];

before(async () => {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf');
  caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const leaf = readFileSync(join(dir, 'leaf.pem'), 'utf8');
  pin = createHash('sha256').update(new X509Certificate(leaf).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  server = createServer({ key: readFileSync(join(dir, 'leaf.key')), cert: leaf }, (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ? 'auth' : 'noauth'}`);
    if (req.url === '/redirect') { res.writeHead(302, { Location: 'https://169.254.169.254/' }); res.end(); return; }
    if (req.url === '/big') { res.writeHead(200); for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024, 120)); res.end(); return; }
    if (req.url === '/tarpit') return; // never answers (T-RX-09)
    res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => { server.closeAllConnections(); server.close(); });

function req(over: Partial<OutboundRequest>): OutboundRequest {
  return { nodeName: 'cm-pub', host: '127.0.0.1', port, tls: { product: 'cucm', verify: true, ca: caPem }, method: 'GET', path: '/', headers: {}, auth: { user: 'u', password: 'p' }, timeoutMs: 2000, maxBytes: 1024 * 1024, ...over };
}

test('sendOutbound() verifies the node certificate against the product CA bundle', async () => {
  const r = await sendOutbound(req({}));
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'hello');
});

test('sendOutbound() refuses an untrusted certificate and names the keys to set (T-IN-34)', async () => {
  const before = seen.length;
  await assert.rejects(sendOutbound(req({ tls: { product: 'cucm', verify: true } })), (e: unknown) => e instanceof AppError && e.code === 'E_CISCO_UNREACHABLE' && e.upstream?.reason === 'tls_untrusted' && !e.retryable && /not trusted/.test(e.message) && /SERVER_CUCM_SSL_CA_BUNDLE/.test(e.hint ?? ''));
  assert.equal(seen.length, before, 'nothing was sent');
});

test('sendOutbound() checks the SPKI pin before sending credentials, even with verification off', async () => {
  assert.equal((await sendOutbound(req({ spkiPin: pin }))).status, 200);
  assert.equal((await sendOutbound(req({ tls: { product: 'cucm', verify: false }, spkiPin: pin }))).status, 200);
  const before = seen.length;
  const wrong = Buffer.alloc(32, 1).toString('base64');
  await assert.rejects(sendOutbound(req({ tls: { product: 'cucm', verify: false }, spkiPin: wrong })), /does not match its pin in CISCO_NODE_PINS/);
  assert.equal(seen.length, before, 'no request reached the server');
});

test('sendOutbound() does not follow redirects (T-IN-33)', async () => {
  const r = await sendOutbound(req({ path: '/redirect' }));
  assert.equal(r.status, 302);
  assert.equal(seen.filter((s) => s.startsWith('GET /redirect')).length, 1);
});

test('sendOutbound() cuts answers over the cap (T-IN-05, T-RX-11)', async () => {
  await assert.rejects(sendOutbound(req({ path: '/big', maxBytes: 1024 * 1024 })), (e: unknown) => e instanceof AppError && /larger than 1048576 bytes/.test(e.message));
});

test('sendOutbound() times out on a node that never answers (T-RX-09)', async () => {
  // The configured timeout ended it (named in the message), not the peer or an OS default.
  await assert.rejects(sendOutbound(req({ path: '/tarpit', timeoutMs: 1000 })), (e: unknown) => e instanceof AppError && /Timed out after 1 s\b/.test(e.message));
  assert.equal((await sendOutbound(req({}))).status, 200, 'other calls still work');
});

test('sendOutbound() explains a refused connection', async () => {
  await assert.rejects(sendOutbound(req({ port: 1 })), /Connection refused by node "cm-pub"/);
});

test('a stuck node ties up at most 8 requests; the next waits, then fails as busy; afterwards it answers again (T-RX-09)', async () => {
  const stuck = Array.from({ length: 8 }, () => sendOutbound(req({ path: '/tarpit', timeoutMs: 1500 })).catch((e: unknown) => e));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(activeSlots(`127.0.0.1:${port}`), 8);
  await assert.rejects(sendOutbound(req({ path: '/', timeoutMs: 300 })), /is busy: 8 requests/);
  for (const e of await Promise.all(stuck)) assert.ok(e instanceof AppError && /Timed out/.test(e.message));
  assert.equal(activeSlots(`127.0.0.1:${port}`), 0);
  assert.equal((await sendOutbound(req({}))).status, 200);
});

test('keep-alive: after a burst as wide as the node gate allows, the next burst reuses every connection (no new TLS handshake)', async () => {
  const pool = new KeepAlivePool();
  let handshakes = 0;
  const count = (): void => { handshakes++; };
  server.on('secureConnection', count);
  try {
    const burst = (): Promise<unknown[]> => Promise.all(Array.from({ length: MAX_PER_ENDPOINT }, () => sendOutbound(req({ keepAlive: pool }))));
    await burst();
    const first = handshakes;
    assert.ok(first >= 2, `the first burst opened several connections (${first})`);
    assert.equal(pool.idleCount, first, 'every connection of the burst is kept');
    await burst();
    assert.equal(handshakes, first, 'the second burst paid no handshake');
  } finally {
    server.off('secureConnection', count);
    pool.closeAll();
  }
});

test('keep-alive: the next request reuses the verified connection; another pin or TLS policy never gets it; closed ones are dropped', async () => {
  const pool = new KeepAlivePool();
  let handshakes = 0;
  const count = (): void => { handshakes++; };
  server.on('secureConnection', count);
  try {
    const a = await sendOutbound(req({ keepAlive: pool }));
    const b = await sendOutbound(req({ keepAlive: pool }));
    assert.equal(a.reused, undefined);
    assert.equal(b.reused, true);
    assert.equal(handshakes, 1);
    assert.equal(pool.idleCount, 1);
    const c = await sendOutbound(req({ keepAlive: pool, spkiPin: pin }));
    assert.equal(c.reused, undefined, 'a socket verified without the pin is not reused for a pinned request');
    const d = await sendOutbound(req({ keepAlive: pool, tls: { product: 'cuc', verify: true, ca: caPem } }));
    assert.equal(d.reused, undefined);
    assert.equal(handshakes, 3);
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(pool.idleCount, 0, 'connections the node closed leave the pool');
    assert.equal((await sendOutbound(req({ keepAlive: pool }))).status, 200);
  } finally {
    server.off('secureConnection', count);
    pool.closeAll();
  }
});
