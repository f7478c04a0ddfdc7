/**
 * Valkey faults against a real redis-server on loopback: a TLS store whose certificate another CA
 * signed (rediss:// with the wrong VALKEY_CA_FILE) is refused with a clear error that never holds
 * the password, in the error or app.log; the right CA connects. A store that answers slowly (a
 * stalling TCP proxy in front of it, commands past VALKEY_COMMAND_TIMEOUT_MS) makes requests that
 * need shared state fail closed with 503 + Retry-After, logged once, and the instance recovers
 * without a restart when the store answers again.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisHandle } from './testdata/redis-server.ts';
import { ValkeyConnection } from './valkey-connection.ts';
import { createValkeyState } from './valkey-state.ts';
import { ExpiringSetFile } from './local/expiring-set-file.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { isAppError } from '../lib/errors.ts';
import { startHarness } from '../mcp/testdata/mcp-harness.ts';

const now = (): number => Math.floor(Date.now() / 1000);
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string { const d = mkdtempSync(join(tmpdir(), 'aib-vfault-')); dirs.push(d); return d; }

function appLog(dir: string): { logger: Logger; lines(): Array<Record<string, unknown>>; text(): string } {
  const logger = createLogger({ dir, level: 'debug', rotateSize: 1e7, rotateFiles: 1, console: false });
  const text = (): string => { try { return readFileSync(join(dir, 'app.log'), 'utf8'); } catch { return ''; } };
  return { logger, text, lines: () => text().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A CA and a server certificate for 127.0.0.1 signed by it (openssl, EC P-256). */
function makeCa(dir: string, name: string): { ca: string; cert: string; key: string } {
  const f = (x: string): string => join(dir, `${name}-${x}`);
  const ossl = (...a: string[]): void => { execFileSync('openssl', a, { stdio: 'ignore' }); };
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', `/CN=${name} test CA`);
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext'), 'subjectAltName=IP:127.0.0.1\n');
  ossl('x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('srv.pem'), '-days', '2', '-extfile', f('ext'));
  return { ca: f('ca.pem'), cert: f('srv.pem'), key: f('srv.key') };
}

describe('TLS mismatch', () => {
  let redis: RedisHandle;
  let one: { ca: string; cert: string; key: string };
  let other: { ca: string };
  before(async () => {
    const d = tmp();
    one = makeCa(d, 'one');
    other = makeCa(d, 'other');
    redis = await startRedis({ tls: { certFile: one.cert, keyFile: one.key, caFile: one.ca } });
  });
  after(async () => { await redis.stop(); });

  const open = (url: string, caFile: string | undefined, logger: Logger): ValkeyConnection => {
    return new ValkeyConnection({ url, caFile, keyPrefix: 'tls:', connectTimeoutMs: 2000, commandTimeoutMs: 2000, logger });
  };

  test('rediss:// with a VALKEY_CA_FILE of another CA: E_STATE_UNAVAILABLE naming the certificate, no password anywhere', async () => {
    const log = appLog(tmp());
    const c = open(redis.url, other.ca, log.logger);
    await assert.rejects(c.connect().finally(() => c.client.disconnect()), (e: unknown) => {
      assert.ok(isAppError(e) && e.code === 'E_STATE_UNAVAILABLE', String(e));
      assert.match(e.message, /TLS certificate not trusted/);
      assert.match(e.hint ?? '', /VALKEY_CA_FILE must hold the CA that signed it/);
      assert.ok(!e.message.includes(redis.password) && !(e.hint ?? '').includes(redis.password));
      assert.match(e.message, /rediss:\/\/:\*\*\*@127\.0\.0\.1/);
      return true;
    });
    const outages = log.lines().filter((l) => l.event === 'state_store_unavailable');
    assert.equal(outages.length, 1, log.text());
    assert.match(String(outages[0]!.message), /TLS certificate not trusted/);
    assert.ok(!log.text().includes(redis.password), 'the password reached app.log');
  });

  test('no VALKEY_CA_FILE (system CAs) is refused too; plain redis:// to the TLS port fails instead of hanging; the right CA works', async () => {
    const log = appLog(tmp());
    const system = open(redis.url, undefined, log.logger);
    await assert.rejects(system.connect().finally(() => system.client.disconnect()), (e: unknown) => isAppError(e) && /TLS certificate not trusted/.test(e.message));
    const plain = open(redis.url.replace('rediss://', 'redis://'), undefined, log.logger);
    await assert.rejects(plain.connect().finally(() => plain.client.disconnect()), (e: unknown) => isAppError(e) && e.code === 'E_STATE_UNAVAILABLE' && !e.message.includes(redis.password));
    assert.ok(!log.text().includes(redis.password));
    const good = open(redis.url, one.ca, log.logger);
    await good.connect();
    assert.equal(await good.run((c) => c.ping()), 'PONG');
    await good.close();
  });
});

/** TCP proxy to `port` that, while stalled, holds the store's answers (the client sees a slow store). */
async function stallingProxy(port: number): Promise<{ port: number; stall(on: boolean): void; close(): Promise<void> }> {
  let stalled = false;
  const pairs: Array<{ down: Socket; held: Buffer[] }> = [];
  const server: Server = createServer((down) => {
    const up = connect(port, '127.0.0.1');
    const pair = { down, held: [] as Buffer[] };
    pairs.push(pair);
    down.on('data', (d) => up.write(d));
    up.on('data', (d: Buffer) => { if (stalled) pair.held.push(d); else down.write(d); });
    const end = (): void => { down.destroy(); up.destroy(); };
    down.on('close', end); up.on('close', end); down.on('error', end); up.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    stall(on) {
      stalled = on;
      if (!on) for (const p of pairs) { for (const b of p.held.splice(0)) p.down.write(b); }
    },
    async close() { for (const p of pairs) p.down.destroy(); await new Promise((r) => server.close(r)); },
  };
}

describe('a store that answers slowly', () => {
  let redis: RedisHandle;
  before(async () => { redis = await startRedis(); });
  after(async () => { await redis.stop(); });

  test('commands past the timeout: 503 + Retry-After and E_STATE_UNAVAILABLE, one log line, recovery without a restart', async () => {
    const proxy = await stallingProxy(redis.port);
    const log = appLog(tmp());
    const url = `redis://:${redis.password}@127.0.0.1:${proxy.port}/0`;
    const conn = new ValkeyConnection({ url, caFile: undefined, keyPrefix: 'slow:', connectTimeoutMs: 2000, commandTimeoutMs: 300, logger: log.logger });
    await conn.connect();
    const d = tmp();
    const state = createValkeyState(conn, { instance: 'slow', revocationMirror: new ExpiringSetFile(join(d, 'r.json'), now), cutoffMirror: new ExpiringSetFile(join(d, 'c.json'), now) });
    const h = await startHarness({ state });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer alice', 'mcp-protocol-version': '2025-06-18' };
    const init = await h.fetch('https://x/mcp', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) });
    assert.equal(init.status, 200);
    await init.text();
    const sid = init.headers.get('mcp-session-id')!;
    const call = (id: number): Promise<Response> => h.fetch('https://x/mcp', { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }) });
    const first = await call(2);
    assert.equal(first.status, 200);
    await first.text();

    proxy.stall(true);
    for (const id of [3, 4, 5]) {
      const r = await call(id);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '5');
      assert.equal(((await r.json()) as { error: string }).error, 'E_STATE_UNAVAILABLE');
    }
    await assert.rejects(state.rateLimits.take('k', 5, 60_000), (e: unknown) => isAppError(e) && e.code === 'E_STATE_UNAVAILABLE' && /timed out/i.test(e.message));
    const ready = await state.ready();
    assert.equal(ready.ok, false);

    proxy.stall(false);
    const back = await call(6);
    assert.equal(back.status, 200, 'the same instance answers again without a restart');
    await back.text();
    const events = log.lines().map((l) => l.event);
    assert.equal(events.filter((e) => e === 'state_store_unavailable').length, 1, 'one line per outage, not per request');
    assert.equal(events.filter((e) => e === 'state_store_recovered').length, 1);
    assert.ok(!log.text().includes(redis.password));
    await state.close();
    await proxy.close();
  });
});
