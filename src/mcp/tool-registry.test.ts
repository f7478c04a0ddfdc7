import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { auditRecords, CUSTOM_PROFILE, startHarness } from './testdata/mcp-harness.ts';

const text = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;
const names = async (c: Awaited<ReturnType<Awaited<ReturnType<typeof startHarness>>['connect']>>) => (await c.listTools()).tools.map((t) => t.name).sort();
const actions = (h: Awaited<ReturnType<typeof startHarness>>) => auditRecords(h).filter((r) => r.category === 'ACTIONS' && r.event === 'tool_call');

test('tools/list shows each client only the tools its profile can use (T-RB-01)', async () => {
  const h = await startHarness();
  const all = ['aibridge_check_access', 'aibridge_whoami', 'cucm_axl_request', 'cucm_boom', 'cucm_cli', 'cucm_slow_report', 'cucm_sql_update'];
  assert.deepEqual(await names(await h.connect('alice')), all);
  assert.deepEqual(await names(await h.connect('olga')), all.filter((n) => n !== 'cucm_sql_update'));
  assert.deepEqual(await names(await h.connect('carol')), ['aibridge_check_access', 'aibridge_whoami', 'cucm_axl_request', 'cucm_boom', 'cucm_slow_report']);
  assert.deepEqual(await names(await h.connect('nobody')), ['aibridge_check_access', 'aibridge_whoami'], 'a missing profile leaves only introspection');
  const listed = (await (await h.connect('alice')).listTools()).tools.find((t) => t.name === 'cucm_axl_request');
  assert.equal(listed?.inputSchema.additionalProperties, false);
  assert.deepEqual(listed?.inputSchema.required, ['node', 'operation']);
  assert.equal(listed?.annotations?.destructiveHint, true);
});

test('a call is re-checked against the operation actually requested; a denial names the rule and is audited (T-RB-01, T-RB-03, T-RB-07)', async () => {
  const h = await startHarness();
  const olga = await h.connect('olga');
  const ok = await olga.callTool({ name: 'cucm_axl_request', arguments: { node: 'cucm1', operation: 'updatePhone', args: { name: 'SEP1' } } });
  assert.equal(ok.isError, undefined);
  const denied = await olga.callTool({ name: 'cucm_axl_request', arguments: { node: 'cucm1', operation: 'removePhone', args: { password: 'hunter2' } } });
  assert.equal(denied.isError, true);
  assert.match(text(denied), /^Denied by profile "operator", rule cucm\.axl\.allowed_prefixes\/allowed_exact: AXL operation "removePhone"/);
  assert.deepEqual(h.calls, ['cucm_axl_request olga updatePhone']);
  const rec = actions(h).find((r) => r.result === 'denied');
  assert.equal(rec?.client, 'olga');
  assert.equal(rec?.tool, 'cucm_axl_request');
  assert.equal(rec?.operation, 'removePhone');
  assert.equal(rec?.node, 'cucm1');
  assert.equal(rec?.rule, 'cucm.axl.allowed_prefixes/allowed_exact');
  assert.doesNotMatch(JSON.stringify(rec), /hunter2/);
  assert.match(JSON.stringify(rec?.arguments), /\[REDACTED\]/);
  const carol = await h.connect('carol');
  const hidden = await carol.callTool({ name: 'cucm_sql_update', arguments: { node: 'cucm1', sql: 'update device set x=1' } });
  assert.match(text(hidden), /Denied by profile "custom", rule cucm\.axl/);
  const ssh = await carol.callTool({ name: 'cucm_cli', arguments: { node: 'cucm1', command: 'show status' } });
  assert.match(text(ssh), /rule cucm\.ssh: the profile has no cucm\.ssh section/);
  assert.equal(h.calls.length, 1, 'nothing was contacted for the denied calls');
  assert.equal(h.metrics.value('aibridge_mcp_tool_calls_total', { client: 'carol', tool: 'cucm_cli', status: 'denied' }), 1);
});

test('arguments that fail the schema get an error naming the field and the rule', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  const r = await c.callTool({ name: 'cucm_axl_request', arguments: { node: '', extra: 1 } });
  assert.equal(r.isError, true);
  assert.match(text(r), /Invalid arguments for "cucm_axl_request": node: Too small.*>=1 characters/);
  assert.match(text(r), /operation: Invalid input: expected string, received undefined/);
  assert.match(text(r), /arguments: unknown field "extra"/);
  const injected = await c.callTool({ name: 'cucm_cli', arguments: { node: 'n', command: 'show status; utils system restart' } });
  assert.match(text(injected), /Refusing CLI command: the character ";" is not allowed/);
  await assert.rejects(c.callTool({ name: 'no_such_tool', arguments: {} }), (e: { code?: unknown; message: string }) => e.code === -32602 && /Unknown tool "no_such_tool"; call tools\/list/.test(e.message));
  assert.deepEqual(h.calls, []);
  assert.deepEqual(actions(h).map((a) => [a.result, a.rule]), [['error', 'input_schema'], ['error', 'input_check'], ['error', 'unknown_tool']]);
});

test('audit is fail-closed: no start record, no action; no final record, no result', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  h.failAudit.event = 'tool_call_started';
  const r = await c.callTool({ name: 'cucm_axl_request', arguments: { node: 'n', operation: 'getPhone' } });
  assert.equal(r.isError, true);
  assert.match(text(r), /audit log cannot be written/);
  assert.deepEqual(h.calls, []);
  h.failAudit.event = 'tool_call';
  const w = await c.callTool({ name: 'aibridge_whoami', arguments: {} });
  assert.equal(w.isError, true);
  assert.match(text(w), /its result is withheld/);
  assert.doesNotMatch(JSON.stringify(w), /"profile":"admin"/);
});

test('an internal tool failure becomes an actionable error without internals', async () => {
  const h = await startHarness();
  const r = await (await h.connect('alice')).callTool({ name: 'cucm_boom', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(text(r), /^Internal error in "cucm_boom"/);
  assert.doesNotMatch(JSON.stringify(r), /hunter2|\/srv|\.ts/);
  assert.equal(actions(h).at(-1)?.result, 'error');
});

test('over the rate limit: HTTP 429 with Retry-After, a JSON-RPC error, RATE_LIMITED audit; other clients unaffected (T-RB-08)', async () => {
  const h = await startHarness();
  const carol = await h.connect('carol');
  for (let i = 0; i < 3; i++) assert.equal((await carol.callTool({ name: 'aibridge_whoami', arguments: {} })).isError, undefined);
  await assert.rejects(carol.callTool({ name: 'aibridge_whoami', arguments: {} }), /429/);
  const sid = (carol.transport as { sessionId?: string }).sessionId ?? '';
  const raw = await h.fetch('https://x/mcp', {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer carol', 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }),
  });
  assert.equal(raw.status, 429);
  const retry = Number(raw.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 60, String(retry));
  const body = (await raw.json()) as { id: number; error: { code: number; message: string; data: { category: string } } };
  assert.equal(body.id, 99);
  assert.equal(body.error.data.category, 'common');
  assert.match(body.error.message, /3 COMMON calls per minute/);
  const rl = auditRecords(h).filter((r) => r.category === 'RATE_LIMITED');
  assert.equal(rl.length, 2);
  assert.deepEqual([rl[0]!.client, rl[0]!.product, rl[0]!.service], ['carol', 'common', 'common']);
  assert.equal(actions(h).filter((a) => a.result === 'rate_limited').length, 2);
  assert.equal(h.metrics.value('aibridge_rate_limited_total', { client: 'carol', product: 'common', category: 'common' }), 2);
  assert.equal((await (await h.connect('olga')).callTool({ name: 'aibridge_whoami', arguments: {} })).isError, undefined);
  const denied = await carol.callTool({ name: 'cucm_axl_request', arguments: { node: 'n', operation: 'addPhone' } });
  assert.equal(denied.isError, true, 'AXL has its own window');
});

test('long tools report progress and honour cancellation', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  const seen: number[] = [];
  const r = await c.callTool({ name: 'cucm_slow_report', arguments: { steps: 3, tag: 'p' } }, undefined, { onprogress: (p) => seen.push(p.progress) });
  assert.equal(text(r), 'alice:p');
  assert.deepEqual(seen, [1, 2, 3]);
  const ac = new AbortController();
  const pending = c.callTool({ name: 'cucm_slow_report', arguments: { steps: 40, tag: 'c' } }, undefined, { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(pending);
  for (let i = 0; i < 50 && !h.calls.includes('cucm_slow_report alice aborted'); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(h.calls.includes('cucm_slow_report alice aborted'), 'the handler saw the cancellation');
  for (let i = 0; i < 50 && !actions(h).some((a) => a.result === 'cancelled'); i++) await new Promise((res) => setTimeout(res, 20));
  const rec = actions(h).find((a) => a.tool === 'cucm_slow_report' && a.result === 'cancelled');
  assert.equal(rec?.error, 'E_CANCELLED', 'the cancelled call is audited as cancelled, not as an error');
});

test('profile changes apply to the next call of an open session; an invalid file keeps the previous one (T-RB-04)', async () => {
  const h = await startHarness();
  const carol = await h.connect('carol');
  assert.ok(!(await names(carol)).includes('cucm_cli'));
  const file = join(h.dir, 'profiles', 'custom.json');
  writeFileSync(file, JSON.stringify({ ...CUSTOM_PROFILE, cucm: { ...CUSTOM_PROFILE.cucm, ssh: { rate_limit: 5, allowed_prefixes: ['show'] } } }));
  h.profiles.scan();
  assert.ok((await names(carol)).includes('cucm_cli'));
  assert.equal((await carol.callTool({ name: 'cucm_cli', arguments: { node: 'n', command: 'show status' } })).isError, undefined);
  writeFileSync(file, '{ "description": "broken", ');
  h.profiles.scan();
  assert.equal((await carol.callTool({ name: 'cucm_cli', arguments: { node: 'n', command: 'show version' } })).isError, undefined);
  writeFileSync(file, JSON.stringify(CUSTOM_PROFILE));
  h.profiles.scan();
  assert.match(text(await carol.callTool({ name: 'cucm_cli', arguments: { node: 'n', command: 'show status' } })), /rule cucm\.ssh/);
});

test('aibridge_whoami and aibridge_check_access describe the caller\'s rights without contacting anything', async () => {
  const h = await startHarness();
  const c = await h.connect('olga');
  const w = (await c.callTool({ name: 'aibridge_whoami', arguments: {} })).structuredContent as Record<string, unknown>;
  assert.equal(w.client, 'olga');
  assert.equal(w.profile, 'operator');
  assert.deepEqual(w.product_scope, ['cucm', 'imp', 'cuc']);
  assert.ok((w.tools as string[]).includes('cucm_cli'));
  const axl = (w.rate_limits as Array<Record<string, unknown>>).find((b) => b.category === 'axl');
  assert.deepEqual(axl, { product: 'cucm', category: 'axl', limit_per_minute: 30, remaining: 30 });
  const check = async (tool: string, args: object) => (await c.callTool({ name: 'aibridge_check_access', arguments: { tool, arguments: args } })).structuredContent as Record<string, unknown>;
  assert.equal((await check('cucm_cli', { node: 'n', command: 'show status' })).allowed, true);
  const no = await check('cucm_cli', { node: 'n', command: 'utils system restart' });
  assert.deepEqual([no.allowed, no.rule], [false, 'cucm.ssh.allowed_prefixes']);
  assert.equal((await check('cucm_cli', { node: 'n' })).allowed, false);
  assert.deepEqual(h.calls, []);
});
