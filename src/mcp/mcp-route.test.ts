import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditRecords, startHarness } from './testdata/mcp-harness.ts';
import type { Harness } from './testdata/mcp-harness.ts';

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function rawInit(h: Harness, token: string, version = '2025-06-18'): Promise<string> {
  const r = await h.fetch('https://x/mcp', { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify({ ...INIT, params: { ...INIT.params, protocolVersion: version } }) });
  assert.equal(r.status, 200);
  await r.text();
  return r.headers.get('mcp-session-id') ?? '';
}

function post(h: Harness, token: string, sid: string | undefined, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return h.fetch('https://x/mcp', {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { ...JSON_HEADERS, authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-06-18', ...(sid ? { 'mcp-session-id': sid } : {}), ...extra },
  });
}

/** The JSON-RPC message in an SSE or JSON answer. */
async function message(r: Response): Promise<Record<string, unknown>> {
  const text = await r.text();
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).find((d) => d.includes('"id"'));
  return JSON.parse(data ?? text) as Record<string, unknown>;
}

test('initialize negotiates the current and the previous protocol version and names the server', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  assert.equal(c.getServerVersion()?.name, 'Test Bridge');
  assert.equal(c.getInstructions(), 'Use aibridge_whoami first');
  for (const v of ['2025-11-25', '2025-06-18', '2025-03-26']) {
    const r = await h.fetch('https://x/mcp', { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer alice' }, body: JSON.stringify({ ...INIT, params: { ...INIT.params, protocolVersion: v } }) });
    assert.equal(((await message(r)).result as { protocolVersion: string }).protocolVersion, v);
  }
  await c.close();
});

test('session ids carry 256 random bits in visible ASCII; unknown, deleted and foreign sessions get 404 (T-TR-11, T-TR-12)', async () => {
  const h = await startHarness();
  const sid = await rawInit(h, 'alice');
  assert.match(sid, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(sid, await rawInit(h, 'alice'));
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
  assert.equal((await post(h, 'alice', sid, list)).status, 200);
  const hijack = await post(h, 'olga', sid, list);
  assert.equal(hijack.status, 404);
  assert.equal(((await hijack.json()) as { error: { code: number } }).error.code, -32001);
  assert.ok(auditRecords(h).some((r) => r.category === 'TRANSPORT' && r.event === 'session_client_mismatch' && r.client === 'olga' && r.session_owner === 'alice'));
  assert.equal((await h.fetch('https://x/mcp', { method: 'GET', headers: { accept: 'text/event-stream', authorization: 'Bearer olga', 'mcp-session-id': sid } })).status, 404);
  assert.equal((await h.fetch('https://x/mcp', { method: 'DELETE', headers: { authorization: 'Bearer olga', 'mcp-session-id': sid } })).status, 404, 'another client cannot end the session');
  assert.equal((await post(h, 'alice', 'x'.repeat(43), list)).status, 404);
  assert.equal((await h.fetch('https://x/mcp', { method: 'DELETE', headers: { authorization: 'Bearer alice', 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' } })).status, 200);
  assert.equal((await post(h, 'alice', sid, list)).status, 404);
  assert.equal(h.metrics.value('aibridge_mcp_sessions_refused_total', { reason: 'wrong_client' }), 3);
});

test('two clients using the same JSON-RPC ids at once each get only their own answers (T-TR-12)', async () => {
  const h = await startHarness();
  const [sa, so] = [await rawInit(h, 'alice'), await rawInit(h, 'olga')];
  const call = (token: string, sid: string, id: number, tag: string) => post(h, token, sid, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'cucm_slow_report', arguments: { steps: 3, tag } } }).then(message);
  const answers = await Promise.all([call('alice', sa, 7, 'A1'), call('olga', so, 7, 'O1'), call('alice', sa, 8, 'A2'), call('olga', so, 8, 'O2')]);
  const texts = answers.map((m) => ((m.result as { content: Array<{ text: string }> }).content[0]!.text));
  assert.deepEqual(texts, ['alice:A1', 'olga:O1', 'alice:A2', 'olga:O2']);
});

test('malformed JSON, batches, bad protocol versions, Accept and Content-Type are refused before any method runs (T-TR-09, T-TR-10)', async () => {
  const h = await startHarness();
  const sid = await rawInit(h, 'alice');
  const bad = await post(h, 'alice', sid, '{"jsonrpc":"2.0",');
  assert.equal(bad.status, 400);
  const badBody = await bad.text();
  assert.equal((JSON.parse(badBody) as { error: { code: number } }).error.code, -32700);
  assert.doesNotMatch(badBody, /at |\.ts|node_modules/);
  const batch = await post(h, 'alice', sid, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }]);
  assert.equal(batch.status, 400);
  assert.equal(((await batch.json()) as { error: { code: number } }).error.code, -32600);
  assert.equal((await post(h, 'alice', sid, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-protocol-version': '1999-01-01' })).status, 400);
  assert.equal((await post(h, 'alice', sid, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { accept: 'application/json' })).status, 406);
  assert.equal((await post(h, 'alice', sid, '{}', { 'content-type': 'text/plain' })).status, 415);
  assert.equal((await post(h, 'alice', sid, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
  assert.equal((await post(h, 'alice', sid, '42')).status, 400);
  // This harness mounts no resources, so resources/* are not methods here either.
  for (const method of ['no/such/method', 'sampling/createMessage', 'resources/list', 'prompts/run']) {
    const unknown = await message(await post(h, 'alice', sid, { jsonrpc: '2.0', id: 4, method }));
    assert.equal((unknown.error as { code: number }).code, -32601, `${method} is not a method here`);
  }
  // Prompts are text and resources are reads of the caller's own data: nothing to chain a write through (T-RB-06).
  const prompts = await message(await post(h, 'alice', sid, { jsonrpc: '2.0', id: 6, method: 'prompts/list' }));
  assert.ok(((prompts.result as { prompts: unknown[] }).prompts).length >= 6);
  assert.equal((await post(h, 'alice', undefined, { jsonrpc: '2.0', id: 5, method: 'tools/list' })).status, 400, 'no session header outside initialize');
  // A tools/call the direct path does not take still gets the SDK transport's refusal.
  const strict = await post(h, 'alice', sid, { jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'cucm_slow_report', arguments: {} }, extra: 1 });
  assert.equal(strict.status, 400);
  assert.equal(((await strict.json()) as { error: { code: number } }).error.code, -32700);
  assert.equal((await post(h, 'alice', sid, { jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 'cucm_slow_report', arguments: {} } }, { 'mcp-protocol-version': '1999-01-01' })).status, 400);
  assert.equal((await h.fetch('https://x/mcp', { method: 'PUT', headers: { authorization: 'Bearer alice', 'content-type': 'application/json' }, body: '{}' })).status, 405);
  assert.deepEqual(h.calls, []);
});

test('without an authenticator every MCP request is refused with 401 (fail closed)', async () => {
  const h = await startHarness({ auth: null });
  const r = await h.fetch('https://x/mcp', { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer alice' }, body: JSON.stringify(INIT) });
  assert.equal(r.status, 401);
  assert.equal((await h.fetch('https://x/status', { headers: { authorization: 'Bearer alice' } })).status, 401);
  await assert.rejects(h.connect('alice'), (e: { code?: number }) => e.code === 401);
});

test('a bad token gets 401 and is counted as an auth failure; /status needs a bearer', async () => {
  const h = await startHarness();
  await assert.rejects(h.connect('mallory'), (e: { code?: number }) => e.code === 401);
  await assert.rejects(h.connect(undefined), (e: { code?: number }) => e.code === 401);
  assert.equal(h.metrics.value('aibridge_auth_failures_total', { client: 'unknown' }), 1, 'a request without credentials is discovery, not a failure');
  assert.equal((await h.fetch('https://x/status')).status, 401);
  const s = await h.fetch('https://x/status', { headers: { authorization: 'Bearer aud' } });
  assert.equal(s.status, 200);
  const body = (await s.json()) as Record<string, unknown>;
  for (const k of ['version', 'uptime_s', 'license', 'backup']) assert.ok(k in body, k);
});

test('past the per-client session cap a new session gets 503 + Retry-After and a clear message; no other session is evicted', async () => {
  let now = 1_000_000;
  const h = await startHarness({ now: () => now, limits: { maxPerClient: 2, maxTotal: 3, idleMs: 60_000 } });
  const first = await rawInit(h, 'alice');
  now += 10_000;
  const second = await rawInit(h, 'alice');
  for (let i = 0; i < 3; i++) {
    const refused = await post(h, 'alice', undefined, INIT);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '50', 'when the oldest idle session of this client expires');
    const body = (await refused.json()) as { error: { code: number; message: string } };
    assert.equal(body.error.code, -32000);
    assert.match(body.error.message, /Too many open MCP sessions for client "alice": it already holds 2 \(MCP_SESSION_MAX_PER_CLIENT\)\. Close sessions .*DELETE.* retry after 50 s/);
  }
  assert.equal(h.sessions.countFor('alice'), 2);
  for (const sid of [first, second]) assert.equal((await post(h, 'alice', sid, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status, 200, 'existing sessions still work');
  assert.equal(h.metrics.value('aibridge_mcp_sessions_refused_total', { reason: 'client_cap' }), 3);
  // Another client is not held back by alice's cap; past the instance cap everyone gets 503.
  await rawInit(h, 'olga');
  const full = await post(h, 'olga', undefined, INIT);
  assert.equal(full.status, 503);
  assert.ok(Number(full.headers.get('retry-after')) >= 1);
  assert.match(((await full.json()) as { error: { message: string } }).error.message, /maximum of 3 open MCP sessions \(MCP_SESSION_MAX_TOTAL\)/);
  // A closed session makes room again.
  assert.equal((await h.fetch('https://x/mcp', { method: 'DELETE', headers: { authorization: 'Bearer alice', 'mcp-session-id': first, 'mcp-protocol-version': '2025-06-18' } })).status, 200);
  assert.ok(await rawInit(h, 'alice'));
});

test('idle sessions expire', async () => {
  let now = 1_000_000;
  const h = await startHarness({ now: () => now, limits: { maxPerClient: 4, maxTotal: 10, idleMs: 1_000 } });
  const sid = await rawInit(h, 'alice');
  now += 5_000;
  for (const s of h.sessions.expire(now)) await s.close();
  assert.equal((await post(h, 'alice', sid, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status, 404);
});

test('GET /metrics is Prometheus text without auth and counts calls by client, tool and status', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  await c.callTool({ name: 'aibridge_whoami', arguments: {} });
  const r = await h.fetch('https://x/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  assert.match(text, /^aibridge_mcp_tool_calls_total\{client="alice",tool="aibridge_whoami",status="ok"\} 1$/m);
  assert.match(text, /^# TYPE aibridge_rate_limited_total counter$/m);
  assert.match(text, /^process_resident_memory_bytes \d+$/m);
  writeFileSync(join(h.dir, 'metrics.txt'), text);
  await c.close();
});
