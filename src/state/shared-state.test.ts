/**
 * Both SharedState backends against one behavioural suite: the local files/memory and a real
 * redis-server on loopback. Races use real concurrency (many commands in flight at once).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalState } from './local-state.ts';
import { createValkeyState } from './valkey-state.ts';
import { ValkeyConnection } from './valkey-connection.ts';
import { startRedis, type RedisHandle } from './testdata/redis-server.ts';
import type { SharedState } from './shared-state.ts';
import { ExpiringSetFile } from './local/expiring-set-file.ts';
import { RefreshTokenStore } from './local/refresh-token-store.ts';
import { AuthorizationCodes } from './local/authorization-codes.ts';
import { LoginSessions } from './local/login-sessions.ts';
import { createNullLogger } from '../log/logger.ts';
import { isAppError } from '../lib/errors.ts';

const now = (): number => Math.floor(Date.now() / 1000);
const grant = { clientId: 'c1', redirectUri: 'http://127.0.0.1/cb', codeChallenge: 'x', resource: undefined, scope: 'mcp' };

let redis: RedisHandle;
const dirs: string[] = [];
const conns: ValkeyConnection[] = [];
before(async () => { redis = await startRedis(); });
after(async () => { for (const c of conns) await c.close(); await redis.stop(); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tmp(): string { const d = mkdtempSync(join(tmpdir(), 'aib-state-')); dirs.push(d); return d; }

function local(): SharedState {
  const d = tmp();
  return createLocalState({
    instance: 'i1', revoked: new ExpiringSetFile(join(d, 'revoked.json'), now), cutoffs: new ExpiringSetFile(join(d, 'cutoffs.json'), now), blocks: new ExpiringSetFile(join(d, 'blocks.json'), now),
    refresh: new RefreshTokenStore(join(d, 'refresh.json'), now), codes: new AuthorizationCodes(now), logins: new LoginSessions(now),
  });
}

async function valkey(instance = 'i1', prefix = 'test:'): Promise<{ state: SharedState; conn: ValkeyConnection; mirror: ExpiringSetFile; cutoffs: ExpiringSetFile }> {
  const conn = new ValkeyConnection({ url: redis.url, caFile: undefined, keyPrefix: prefix, connectTimeoutMs: 2000, commandTimeoutMs: 2000, logger: createNullLogger() });
  conns.push(conn);
  await conn.connect();
  const d = tmp();
  const mirror = new ExpiringSetFile(join(d, 'revoked.json'), now);
  const cutoffs = new ExpiringSetFile(join(d, 'cutoffs.json'), now);
  return { state: createValkeyState(conn, { instance, revocationMirror: mirror, cutoffMirror: cutoffs }), conn, mirror, cutoffs };
}

for (const backend of ['local', 'valkey'] as const) {
  describe(`SharedState on ${backend}`, () => {
    let s: SharedState;
    let s2: SharedState;
    before(async () => {
      const prefix = `t${Math.random().toString(36).slice(2)}:`;
      if (backend === 'local') { s = local(); s2 = s; } else { s = (await valkey('i1', prefix)).state; s2 = (await valkey('i2', prefix)).state; }
    });

    test('rate limit: 50 concurrent takes over two instances admit exactly the limit', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? s : s2).rateLimits.take('olga|ssh', 5, 60_000)));
      assert.equal(results.filter((r) => r.allowed).length, 5);
      const refused = results.find((r) => !r.allowed)!;
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000);
      assert.equal(await s2.rateLimits.remaining('olga|ssh', 5, 60_000), 0);
      assert.equal(await s2.rateLimits.remaining('olga|other', 5, 60_000), 5);
    });

    test('authorization code: 100 concurrent redemptions give exactly one token, the rest see reuse', async () => {
      const code = await s.codes.issue(grant);
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? s : s2).codes.redeem(code)));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'reused'));
      assert.deepEqual((await s.codes.redeem('no-such-code')), { ok: false, reason: 'unknown' });
    });

    test('refresh token: 200 concurrent rotations of one token: exactly one succeeds, the family ends revoked', async () => {
      const { familyId, token } = await s.refresh.create({ client: 'c1', subject: 'sub', scope: 'mcp', audience: ['https://x/mcp'] });
      await s.refresh.addAccessToken(familyId, 'jti-1', now() + 600);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? s : s2).refresh.rotate(token, 'c1')));
      const ok = results.filter((r) => r.ok);
      assert.equal(ok.length, 1);
      assert.ok(results.some((r) => !r.ok && r.reason === 'reused'));
      const after = await s2.refresh.rotate(ok[0]!.ok ? ok[0]!.token : '', 'c1');
      assert.equal(after.ok, false);
      assert.equal(!after.ok && after.reason, 'revoked');
      const found = await s.refresh.lookup(token);
      assert.equal(found?.family.revoked, true);
      assert.deepEqual(found?.family.audience, ['https://x/mcp']);
      assert.deepEqual(found?.family.access.map(([j]) => j), ['jti-1']);
    });

    test('refresh token: wrong client and revokeClient', async () => {
      const { token } = await s.refresh.create({ client: 'c2', subject: 'sub', scope: 'mcp', audience: ['a'] });
      assert.equal((await s.refresh.rotate(token, 'c1')).ok, false);
      const r = await s.refresh.rotate(token, 'c2');
      assert.ok(r.ok);
      await s.refresh.revokeClient('c2');
      const again = await s2.refresh.rotate(r.ok ? r.token : '', 'c2');
      assert.equal(!again.ok && again.reason, 'revoked');
    });

    test('revocations and blocks are seen by the other instance; expired entries are invisible', async () => {
      await s.revocations.add([['jti-a', now() + 60], ['jti-old', now() - 1]]);
      assert.ok(await s2.revocations.get('jti-a'));
      assert.equal(await s2.revocations.get('jti-old'), undefined);
      await s2.blocks.add([['10.0.0.1', now() + 60]]);
      assert.ok(await s.blocks.get('10.0.0.1'));
      assert.ok((await s.blocks.entries()).some(([k]) => k === '10.0.0.1'));
      await s.blocks.delete('10.0.0.1');
      assert.equal(await s2.blocks.get('10.0.0.1'), undefined);
    });

    test('failures are counted across instances within the window', async () => {
      assert.equal(await s.failures.record('10.0.0.2', 60), 1);
      assert.equal(await s2.failures.record('10.0.0.2', 60), 2);
      await s.failures.clear('10.0.0.2');
      assert.equal(await s2.failures.record('10.0.0.2', 60), 1);
    });

    test('login sessions: CSRF checked in constant time; ended sessions are gone', async () => {
      const { sid, csrf } = await s.logins.create({ ...grant, state: 's', codeChallenge: 'x' });
      assert.ok(await s2.logins.check(sid, csrf));
      assert.equal(await s2.logins.check(sid, `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`), undefined);
      await s2.logins.end(sid);
      assert.equal(await s.logins.check(sid, csrf), undefined);
    });

    test('MCP session records and leases', async () => {
      await s.sessions.put({ id: 'sess:1/../x', client: 'alice', protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'x', version: '1' } }, 60);
      assert.equal((await s2.sessions.get('sess:1/../x'))?.client, 'alice');
      await s2.sessions.delete('sess:1/../x');
      assert.equal(await s.sessions.get('sess:1/../x'), undefined);
      assert.equal(await s.leases.acquire('backup', 5000), true);
      assert.equal(await s.leases.acquire('backup', 5000), true, 'the holder renews');
      if (backend === 'valkey') {
        assert.equal(await s2.leases.acquire('backup', 5000), false, 'a second instance waits');
        await s.leases.release('backup');
        assert.equal(await s2.leases.acquire('backup', 5000), true);
      }
      assert.deepEqual(await s.ready(), { ok: true });
    });
  });
}

describe('Valkey specifics', () => {
  test('keys built from hostile names never collide across clients or namespaces', async () => {
    const { state } = await valkey('i1', 'iso:');
    await state.rateLimits.take('a:b|ssh', 1, 60_000);
    const other = await state.rateLimits.take('a|b:ssh', 1, 60_000);
    assert.equal(other.allowed, true, 'a different key with the same characters is a different window');
    await state.refresh.create({ client: 'x:y', subject: 's', scope: 'mcp', audience: ['a'] });
    assert.deepEqual(await state.refresh.revokeClient('x'), []);
  });

  test('a flushed store cannot resurrect a revoked token; the mirror is written back', async () => {
    const a = await valkey('i1', 'flush:');
    await a.state.revocations.add([['jti-z', now() + 600]]);
    await a.conn.client.flushdb();
    assert.ok(await a.state.revocations.get('jti-z'), 'the local copy still refuses it');
    const { republishRevocations } = await import('./valkey-state.ts');
    assert.equal(await republishRevocations(a.state, { revoked: a.mirror, cutoffs: a.cutoffs }), 1);
    const b = await valkey('i2', 'flush:');
    assert.ok(await b.state.revocations.get('jti-z'), 'another instance sees it again');
  });

  test('store down: E_STATE_UNAVAILABLE at once without the password; recovers by itself', async () => {
    const { state } = await valkey('i1', 'down:');
    await redis.stop();
    const t0 = Date.now();
    await assert.rejects(state.rateLimits.take('k', 5, 60_000), (e: unknown) => isAppError(e) && e.code === 'E_STATE_UNAVAILABLE' && !e.message.includes(redis.password));
    assert.ok(Date.now() - t0 < 5000);
    assert.equal((await state.ready()).ok, false);
    await redis.restart();
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) { ok = (await state.ready()).ok; if (!ok) await new Promise((r) => setTimeout(r, 100)); }
    assert.ok(ok, 'reconnected without a restart');
    assert.equal((await state.rateLimits.take('k', 5, 60_000)).allowed, true);
  });

  test('a wrong password is refused with a clear error that does not echo it', async () => {
    const conn = new ValkeyConnection({ url: `redis://:wrong-secret-pw@127.0.0.1:${redis.port}/0`, caFile: undefined, keyPrefix: 'x:', connectTimeoutMs: 2000, commandTimeoutMs: 2000, logger: createNullLogger() });
    conns.push(conn);
    await assert.rejects(conn.connect(), (e: unknown) => isAppError(e) && e.code === 'E_STATE_UNAVAILABLE' && !e.message.includes('wrong-secret-pw'));
  });
});

describe('lease keeper', () => {
  test('one of two instances holds the lease; the other takes over when the holder stops', async () => {
    const { startLeaseKeeper } = await import('./lease-keeper.ts');
    const prefix = `lease${Math.random().toString(36).slice(2)}:`;
    const a = (await valkey('a', prefix)).state;
    const b = (await valkey('b', prefix)).state;
    const ka = startLeaseKeeper(a.leases, 'backup', 600);
    await new Promise((r) => setTimeout(r, 100));
    const kb = startLeaseKeeper(b.leases, 'backup', 600);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ka.held(), true);
    assert.equal(kb.held(), false);
    await ka.stop();
    let took = false;
    for (let i = 0; i < 40 && !took; i++) { await new Promise((r) => setTimeout(r, 50)); took = kb.held(); }
    assert.ok(took, 'b took the lease over');
    await kb.stop();
  });
});

describe('Valkey event store (MCP resumability)', () => {
  test('events stored on one instance replay on another after Last-Event-ID; bad ids replay nothing', async () => {
    const { createValkeyEventStore } = await import('./valkey-event-store.ts');
    const a = await valkey('a', 'ev:');
    const b = await valkey('b', 'ev:');
    const ea = createValkeyEventStore(a.conn, 'sess-1');
    const eb = createValkeyEventStore(b.conn, 'sess-1');
    const id1 = await ea.storeEvent('s1', { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    await ea.storeEvent('s1', { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } });
    await ea.storeEvent('s2', { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 2, progress: 9 } });
    const got: unknown[] = [];
    assert.equal(await eb.replayEventsAfter(id1, { send: async (_id, m) => { got.push(m); } }), 's1');
    assert.deepEqual(got.map((m) => (m as { params: { progress: number } }).params.progress), [2]);
    const other = createValkeyEventStore(b.conn, 'sess-2');
    const none: unknown[] = [];
    await other.replayEventsAfter(id1, { send: async (_id, m) => { none.push(m); } });
    assert.deepEqual(none, [], 'another session cannot replay this one');
    assert.equal(await eb.replayEventsAfter('garbage', { send: async () => undefined }), '');
  });
});
