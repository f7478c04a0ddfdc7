import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './build-app.ts';
import { loadConfig } from '../config/load-config.ts';
import { createNullLogger } from '../log/logger.ts';
import { AuditLog } from '../audit/audit-log.ts';

function app() {
  const dir = mkdtempSync(join(tmpdir(), 'app-'));
  writeFileSync(join(dir, '.env'), 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*\nMCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:8443\nHTTP_MAX_BODY_BYTES=2048\n', { mode: 0o600 });
  const config = loadConfig(dir);
  const audit = AuditLog.open({ dir: config.paths.logsDir, rotateSize: 1e6, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  const a = buildApp({ config, logger: createNullLogger(), audit });
  // Routes added after buildApp still run behind its middleware, error handler and 404.
  a.post('/echo', async (c) => c.json({ n: (await c.req.text()).length }));
  a.get('/boom', () => { throw new Error('secret internals /etc/x'); });
  return { a, dir };
}

test('GET /health answers ok with hardening headers and no X-Powered-By', async () => {
  const { a } = app();
  const r = await a.request('/health', { headers: { host: 'localhost:8443' } });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-powered-by'), null);
  assert.match(r.headers.get('strict-transport-security') ?? '', /max-age/);
});

test('a GET is answered without its body being looked at (body-limit is for requests that can carry one)', async () => {
  const { a } = app();
  class Watched extends Request {
    reads = 0;
    override get body(): Request['body'] { this.reads++; return super.body; }
  }
  const req = new Watched('https://localhost:8443/health', { headers: { host: 'localhost:8443' } });
  assert.equal((await a.fetch(req)).status, 200);
  assert.equal(req.reads, 0);
  const post = new Watched('https://localhost:8443/echo', { method: 'POST', headers: { host: 'localhost:8443', 'content-type': 'application/json' }, body: new Blob(['{}']).stream(), duplex: 'half' } as RequestInit);
  assert.equal((await a.fetch(post)).status, 200);
  assert.ok(post.reads > 0, 'a POST without Content-Length is still counted by body-limit');
});

test('a forged Host or Origin gets 403 and a TRANSPORT audit event', async () => {
  const { a, dir } = app();
  assert.equal((await a.request('/health', { headers: { host: 'evil.example:8443' } })).status, 403);
  assert.equal((await a.request('/health', { headers: { host: 'localhost:8443', origin: 'https://evil.example' } })).status, 403);
  const audit = readFileSync(join(dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"category":"TRANSPORT","event":"invalid_host"/);
  assert.match(audit, /"category":"TRANSPORT","event":"invalid_origin"/);
});

test('oversized bodies get 413 and wrong Content-Type gets 415', async () => {
  const { a } = app();
  const h = { host: 'localhost:8443', 'content-type': 'application/json' };
  assert.equal((await a.request('/echo', { method: 'POST', headers: h, body: '{}' })).status, 200);
  assert.equal((await a.request('/echo', { method: 'POST', headers: h, body: 'x'.repeat(5000) })).status, 413);
  assert.equal((await a.request('/echo', { method: 'POST', headers: { ...h, 'content-type': 'text/plain' }, body: '{}' })).status, 415);
  // A body without Content-Length (chunked) is counted as it arrives.
  const stream = (text: string): ReadableStream<Uint8Array> => new ReadableStream({ start(ctl) { for (let i = 0; i < text.length; i += 100) ctl.enqueue(new TextEncoder().encode(text.slice(i, i + 100))); ctl.close(); } });
  const chunked = (text: string) => a.request('/echo', { method: 'POST', headers: h, body: stream(text), duplex: 'half' } as RequestInit);
  assert.equal((await chunked('x'.repeat(5000))).status, 413);
  const small = await chunked('{"a":1}');
  assert.equal(small.status, 200);
  assert.deepEqual(await small.json(), { n: 7 }, 'the route reads the body that was counted');
});

test('a compressed body is refused by name, whatever the coding, and never decompressed (T-RX-02)', async () => {
  const { gzipSync, deflateSync } = await import('node:zlib');
  const { a } = app();
  const h = { host: 'localhost:8443', 'content-type': 'application/json' };
  // A small bomb: 1 MB of zeros, ~1 KB compressed, under the 2048-byte body limit.
  const bomb = gzipSync(Buffer.alloc(1_000_000, 0x30));
  assert.ok(bomb.length < 2048);
  for (const [coding, body] of [['gzip', bomb], ['GZIP', bomb], ['x-gzip', bomb], ['deflate', deflateSync(Buffer.from('{}'))], ['br', Buffer.from('{}')], ['zstd', Buffer.from('{}')], ['identity, gzip', bomb], ['gzip, identity', bomb], ['bogus', Buffer.from('{}')]] as const) {
    const r = await a.request('/echo', { method: 'POST', headers: { ...h, 'content-encoding': coding }, body });
    assert.equal(r.status, 415, coding);
    assert.equal(r.headers.get('accept-encoding'), 'identity', coding);
    const j = await r.json() as { error: string; message: string };
    assert.equal(j.error, 'unsupported_content_encoding');
    assert.match(j.message, /uncompressed/);
  }
  // identity (or an empty list) is no coding at all.
  for (const coding of ['identity', 'Identity', '', ' , ']) {
    const r = await a.request('/echo', { method: 'POST', headers: { ...h, 'content-encoding': coding }, body: '{}' });
    assert.equal(r.status, 200, JSON.stringify(coding));
    assert.deepEqual(await r.json(), { n: 2 });
  }
});

test('errors reveal no internals and unknown paths get a JSON 404 (T-TR-14)', async () => {
  const { a } = app();
  const r = await a.request('/boom', { headers: { host: 'localhost:8443' } });
  assert.equal(r.status, 500);
  const body = await r.text();
  assert.ok(!body.includes('/etc/x') && !body.includes('at '), body);
  assert.equal((await a.request('/nope', { headers: { host: 'localhost:8443' } })).status, 404);
});
