import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallToolResultSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { auditRecords, startHarness } from '../testdata/mcp-harness.ts';
import type { Harness } from '../testdata/mcp-harness.ts';
import type { ToolPolicy } from './tool-policy.ts';

const rpcCode = async (p: Promise<unknown>): Promise<unknown> => { try { await p; return 'none'; } catch (e) { return (e as { code?: unknown }).code; } };

test('protocol misuse is -32602: unknown tool, tools/call without params or with bad params, any tools/list cursor', async () => {
  const h = await startHarness();
  const c = await h.connect('alice');
  assert.equal(await rpcCode(c.request({ method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }, CallToolResultSchema)), -32602);
  assert.equal(await rpcCode(c.request({ method: 'tools/call' } as never, CallToolResultSchema)), -32602);
  assert.equal(await rpcCode(c.request({ method: 'tools/call', params: { name: 42 } } as never, CallToolResultSchema)), -32602);
  assert.equal(await rpcCode(c.listTools({ cursor: 'not-a-cursor-!!' })), -32602);
  assert.equal(await rpcCode(c.request({ method: 'tools/list', params: { cursor: '' } }, ListToolsResultSchema)), -32602);
  const unknown = auditRecords(h).find((r) => r.event === 'tool_call' && r.rule === 'unknown_tool');
  assert.equal(unknown?.result, 'error', 'an unknown tool is still audited');
});

test('every listed tool has an outputSchema; results and errors carry structuredContent the SDK client validates', async () => {
  const h = await startHarness();
  const c = await h.connect('aud');
  const tools = (await c.listTools()).tools;
  assert.ok(tools.length > 2);
  for (const t of tools) assert.equal(t.outputSchema?.type, 'object', `${t.name} has an outputSchema`);
  const who = await c.callTool({ name: 'aibridge_whoami', arguments: {} });
  assert.equal((who.structuredContent as { profile?: string }).profile, 'auditor');
  const denied = await c.callTool({ name: 'cucm_axl_request', arguments: { node: 'c1', operation: 'removePhone' } });
  assert.equal(denied.isError, true);
  const err = (denied.structuredContent as { error: Record<string, unknown> }).error;
  assert.equal(err.code, 'E_FORBIDDEN');
  assert.equal(err.retryable, false);
  assert.equal(err.rule, 'cucm.axl.allowed_prefixes/allowed_exact');
  assert.deepEqual(err.allowed_by, ['admin'], 'the refusal names the installed profile that would allow it');
  assert.match(String(err.message), /Profiles that allow it: admin/);
  const invalid = await c.callTool({ name: 'cucm_axl_request', arguments: { node: 'c1' } });
  assert.equal((invalid.structuredContent as { error: { code: string } }).error.code, 'E_INPUT_INVALID');
  const boom = await (await h.connect('alice')).callTool({ name: 'cucm_boom', arguments: {} });
  assert.deepEqual((boom.structuredContent as { error: { code: string; retryable: boolean } }).error.code, 'E_INTERNAL');
  assert.doesNotMatch(JSON.stringify(boom), /hunter2|\/srv\/secret/);
});

test('annotations follow the profile: the generic AXL tool is read-only for a read-only profile', async () => {
  const h = await startHarness();
  const ann = async (who: string, tool: string) => (await (await h.connect(who)).listTools()).tools.find((t) => t.name === tool)?.annotations;
  assert.deepEqual([(await ann('aud', 'cucm_axl_request'))?.readOnlyHint, (await ann('aud', 'cucm_axl_request'))?.destructiveHint], [true, false]);
  assert.equal((await ann('olga', 'cucm_axl_request'))?.readOnlyHint, false, 'the operator may add and update phones');
  assert.equal((await ann('olga', 'cucm_cli'))?.readOnlyHint, true, 'the operator may only run show commands');
  assert.equal((await ann('alice', 'cucm_cli'))?.readOnlyHint, false);
  assert.equal((await ann('alice', 'cucm_sql_update'))?.destructiveHint, true, 'an always-writing tool keeps its hints');
});

test('check_access, whoami, tools/list and the call agree, and a decide-step policy can deny or answer', async () => {
  const h = await startHarness();
  const policy: ToolPolicy = {
    name: 'change-control',
    decide: (i) => i.write && i.tool.name === 'cucm_axl_request' && i.target.axlOperation === 'updatePhone'
      ? { kind: 'answer', rule: 'plan', structured: { text: 'change plan: updatePhone needs approval' } }
      : i.write && i.target.axlOperation === 'addPhone' ? { kind: 'deny', rule: 'freeze', reason: 'change freeze' } : { kind: 'allow' },
  };
  let notified = 0;
  h.pipeline.tools.onChange(() => notified++);
  h.pipeline.addPolicy(policy);
  assert.equal(notified, 1, 'adding a policy tells sessions their tool list may have changed');
  const c = await h.connect('olga');
  const check = async (args: Record<string, unknown>) => (await c.callTool({ name: 'aibridge_check_access', arguments: { tool: 'cucm_axl_request', arguments: args } })).structuredContent as Record<string, unknown>;
  assert.deepEqual(await check({ node: 'c1', operation: 'addPhone' }), { profile: 'operator', tool: 'cucm_axl_request', allowed: false, rule: 'change-control: freeze', reason: 'change freeze', write: true, allowed_by: ['admin', 'operator'] });
  assert.equal((await check({ node: 'c1', operation: 'getPhone' })).write, false);
  const planned = await c.callTool({ name: 'cucm_axl_request', arguments: { node: 'c1', operation: 'updatePhone' } });
  assert.equal((planned.structuredContent as { text: string }).text, 'change plan: updatePhone needs approval');
  const frozen = await c.callTool({ name: 'cucm_axl_request', arguments: { node: 'c1', operation: 'addPhone' } });
  assert.equal((frozen.structuredContent as { error: { rule: string } }).error.rule, 'change-control: freeze');
  assert.deepEqual(h.calls, [], 'neither call ran the tool');
  const answered = auditRecords(h).find((r) => r.event === 'tool_call' && r.result === 'answered');
  assert.equal(answered?.rule, 'change-control: plan');
  const listed = (await c.listTools()).tools.map((t) => t.name).sort();
  const who = ((await c.callTool({ name: 'aibridge_whoami', arguments: {} })).structuredContent as { tools: string[] }).tools.sort();
  assert.deepEqual(listed, who);
});

test('a tool gate hides a tool everywhere and notifies; its call is -32602 naming the gate', async () => {
  const h = await startHarness();
  let open = true;
  h.pipeline.tools.addGate({ name: 'licence: feature cucm.ssh not licensed', allows: (t) => open || t.name !== 'cucm_cli' });
  const c = await h.connect('alice');
  assert.ok((await c.listTools()).tools.some((t) => t.name === 'cucm_cli'));
  open = false;
  h.pipeline.tools.changed();
  assert.ok(!(await c.listTools()).tools.some((t) => t.name === 'cucm_cli'));
  await assert.rejects(c.callTool({ name: 'cucm_cli', arguments: { node: 'n', command: 'show status' } }), (e: { code?: number; message: string }) => e.code === -32602 && /not enabled on this server \(licence/.test(e.message));
});

/** Raw JSON-RPC over the harness, for what the SDK client never sends. */
async function rawSession(h: Harness): Promise<(body: unknown) => Promise<Response>> {
  const headers = { authorization: 'Bearer alice', 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await h.fetch('https://localhost:8443/mcp', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) });
  const sid = init.headers.get('mcp-session-id') ?? '';
  await init.text();
  const post = (body: unknown) => h.fetch('https://localhost:8443/mcp', { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify(body) });
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return post;
}

test('a second tools/call reusing the id of one in flight is refused; the first still completes', async () => {
  const h = await startHarness();
  const post = await rawSession(h);
  const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'cucm_slow_report', arguments: { steps: 10, tag: 'first' } } };
  const first = await post(call);
  const second = await post({ ...call, params: { ...call.params, arguments: { steps: 1, tag: 'second' } } });
  assert.equal(second.status, 400);
  const body = await second.json() as { id: unknown; error: { code: number; message: string } };
  assert.equal(body.error.code, -32600);
  assert.match(body.error.message, /id 7 is already used by a tools\/call in flight/);
  assert.match(await first.text(), /alice:first/);
  assert.deepEqual(h.calls, ['cucm_slow_report alice first']);
  const again = await post({ ...call, params: { ...call.params, arguments: { steps: 1, tag: 'third' } } });
  assert.match(await again.text(), /alice:third/, 'the id is free again once the first call answered');
});
