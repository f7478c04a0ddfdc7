/**
 * Server-to-client notifications across instances (scale-out): two in-process aibridge MCP
 * endpoints share one real redis-server. A session opened on A, continued on B, gets a
 * notifications/tools/list_changed that happened on B on the SSE stream A holds; what was sent is
 * stored once per session for Last-Event-ID on either instance; hostile channel messages are dropped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from './testdata/mcp-harness.ts';
import type { Harness } from './testdata/mcp-harness.ts';
import { startRedis, type RedisHandle } from '../state/testdata/redis-server.ts';
import { ValkeyConnection } from '../state/valkey-connection.ts';
import { createValkeyState } from '../state/valkey-state.ts';
import { stateKey } from '../state/state-keys.ts';
import type { SharedState } from '../state/shared-state.ts';
import { ExpiringSetFile } from '../state/local/expiring-set-file.ts';
import { createNullLogger } from '../log/logger.ts';

const now = (): number => Math.floor(Date.now() / 1000);
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer alice', 'mcp-protocol-version': '2025-06-18' };
const PREFIX = 'notice-test:';

let redis: RedisHandle;
const conns: ValkeyConnection[] = [];
const states: SharedState[] = [];
const dirs: string[] = [];
before(async () => { redis = await startRedis(); });
after(async () => {
  for (const s of states) await s.close();
  await redis.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function instance(name: string): Promise<{ h: Harness; state: SharedState; conn: ValkeyConnection }> {
  const conn = new ValkeyConnection({ url: redis.url, caFile: undefined, keyPrefix: PREFIX, connectTimeoutMs: 2000, commandTimeoutMs: 2000, logger: createNullLogger() });
  conns.push(conn);
  await conn.connect();
  const d = mkdtempSync(join(tmpdir(), 'aib-notice-'));
  dirs.push(d);
  const state = createValkeyState(conn, { instance: name, revocationMirror: new ExpiringSetFile(join(d, 'r.json'), now), cutoffMirror: new ExpiringSetFile(join(d, 'c.json'), now) });
  states.push(state);
  return { h: await startHarness({ state }), state, conn };
}

/** Server-sent events of a response, one at a time. */
function sse(res: Response): { next(): Promise<{ id?: string; data: Record<string, unknown> }>; cancel(): Promise<void> } {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  return {
    async next() {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
          if (!data) continue; // keep-alive comments and priming events
          const id = lines.find((l) => l.startsWith('id:'))?.slice(3).trim();
          return { ...(id ? { id } : {}), data: JSON.parse(data) as Record<string, unknown> };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the SSE stream ended');
        buf += dec.decode(value, { stream: true });
      }
    },
    async cancel() { await reader.cancel(); },
  };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok(), what);
}

test('a list_changed on B reaches the session A holds the stream of, is stored once, and replays on B', async () => {
  const a = await instance('a');
  const b = await instance('b');
  const init = await a.h.fetch('https://x/mcp', { method: 'POST', headers: HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) });
  assert.equal(init.status, 200);
  await init.text();
  const sid = init.headers.get('mcp-session-id')!;
  const withSid = { ...HEADERS, 'mcp-session-id': sid };
  assert.equal((await a.h.fetch('https://x/mcp', { method: 'POST', headers: withSid, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202);
  // The client's next request lands on B: B rebuilds the session, so it now lives on both.
  const list = await b.h.fetch('https://x/mcp', { method: 'POST', headers: withSid, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
  assert.equal(list.status, 200);
  await list.text();
  assert.equal(b.h.sessions.size, 1);

  const stream = sse(await a.h.fetch('https://x/mcp', { method: 'GET', headers: withSid }));
  b.h.pipeline.tools.changed();
  const first = await stream.next();
  assert.equal(first.data.method, 'notifications/tools/list_changed');
  assert.ok(first.id, 'the event carries an id for Last-Event-ID');
  await until('both instances delivered the first notice', () => a.h.delivered.length === 1 && b.h.delivered.length === 1);
  assert.equal(a.h.delivered[0]!.notice.id, b.h.delivered[0]!.notice.id);
  await stream.cancel();

  // The client is away; the next change happens on A. It reconnects to B with Last-Event-ID.
  a.h.pipeline.tools.changed();
  await until('both instances delivered the second notice', () => a.h.delivered.length === 2 && b.h.delivered.length === 2);
  const resumed = sse(await b.h.fetch('https://x/mcp', { method: 'GET', headers: { ...withSid, 'last-event-id': first.id! } }));
  const second = await resumed.next();
  assert.equal(second.data.method, 'notifications/tools/list_changed');
  assert.notEqual(second.id, first.id);
  await resumed.cancel();

  // Two copies of the session sent each notice; the shared stream holds each once.
  const stored = await a.conn.client.xrange(stateKey(PREFIX, 'ev', sid, '_GET_stream'), '-', '+');
  const methods = stored.map(([, f]) => (JSON.parse(f[1]!) as { method?: string }).method).filter((m) => m === 'notifications/tools/list_changed');
  assert.equal(methods.length, 2, 'one stored event per notice, not per copy of the session');
});

test('a notice for one client reaches only its sessions; hostile channel messages are dropped', async () => {
  const a = await instance('a2');
  const b = await instance('b2');
  const init = await a.h.fetch('https://x/mcp', { method: 'POST', headers: HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) });
  await init.text();
  assert.equal(a.h.sessions.size, 1);
  await b.state.notices.publish({ method: 'notifications/tools/list_changed', client: 'olga' });
  await until('A received the notice for olga', () => a.h.delivered.length === 1);
  assert.equal(a.h.delivered[0]!.sessions, 0, "alice's session did not get olga's notice");
  const channel = stateKey(PREFIX, 'notify');
  const uuid = '0f8e4b1c-1111-4222-8333-444455556666';
  for (const raw of ['not json', '[]', JSON.stringify({ method: 'tools/call', id: uuid, origin: uuid }), JSON.stringify({ method: 'notifications/tools/list_changed', id: 'x', origin: uuid }),
    JSON.stringify({ method: 'notifications/tools/list_changed', id: uuid, origin: uuid, client: 'a\nb' }), 'x'.repeat(5000)]) {
    await b.conn.client.publish(channel, raw);
  }
  await b.conn.client.publish(channel, JSON.stringify({ method: 'notifications/tools/list_changed', id: uuid, origin: uuid }));
  await until('the well-formed notice arrived', () => a.h.delivered.length === 2);
  assert.deepEqual(a.h.delivered.map((d) => d.notice.id).slice(1), [uuid], 'only the well-formed notice was delivered');
  assert.equal(a.h.delivered[1]!.sessions, 1);
});

test('after the store restarts, notices flow between instances again (the subscriber re-subscribes by itself)', async () => {
  const a = await instance('a3');
  const b = await instance('b3');
  await redis.restart();
  await waitReady(a.state);
  await waitReady(b.state);
  // Pub/sub is at most once: publish until one arrives (A may still be re-subscribing).
  for (let i = 0; i < 100 && a.h.delivered.length === 0; i++) {
    await b.state.notices.publish({ method: 'notifications/tools/list_changed' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(a.h.delivered.length > 0, 'A receives what B publishes after the restart');
});

async function waitReady(s: SharedState): Promise<void> {
  for (let i = 0; i < 100 && !(await s.ready()).ok; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok((await s.ready()).ok, 'the state reconnected');
}
