import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { CallToolResultSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../tool-definition.ts';
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

test('/metrics has a latency histogram per tool category (product × rate category), never per argument or node, and promtool accepts it', async (t) => {
  let clock = 1_000_000;
  // A read over SSH whose handler "takes" the milliseconds it is asked for on the injected clock.
  const timed: ToolDefinition = {
    name: 'cucm_timed', title: 'Timed', description: 'fake read that advances the test clock', product: 'cucm', protocol: 'ssh', rateCategory: 'ssh',
    inputSchema: { node: z.string().min(1).max(64), ms: z.number().int().min(0) },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true }, effect: 'read', outputSchema: { text: z.string() },
    target: (a) => ({ node: a.node as string, sshCommand: 'show status' }),
    async handler(a) { clock += a.ms as number; return { content: [{ type: 'text', text: 'ok' }], structuredContent: { text: 'ok' } }; },
  };
  const h = await startHarness({ now: () => clock, extraTools: [timed] });
  const alice = await h.connect('alice');
  for (const [node, ms] of [['c1', 1500], ['c2-unique-node-name', 40], ['c3', 400_000]] as const) {
    const r = await alice.callTool({ name: 'cucm_timed', arguments: { node, ms } });
    assert.equal(r.isError, undefined, JSON.stringify(r));
  }
  // A refusal is timed too, under its own tool's category.
  const denied = await (await h.connect('aud')).callTool({ name: 'cucm_axl_request', arguments: { node: 'c1', operation: 'removePhone' } });
  assert.equal(denied.isError, true);
  const res = await h.fetch('https://localhost:8443/metrics');
  assert.equal(res.status, 200);
  const body = await res.text();
  const series = (le: string) => Number(new RegExp(`^aibridge_mcp_tool_call_duration_seconds_bucket\\{product="cucm",category="ssh",le="${le.replace('+', '\\+')}"\\} (\\S+)$`, 'm').exec(body)?.[1]);
  assert.match(body, /^# TYPE aibridge_mcp_tool_call_duration_seconds histogram$/m);
  assert.deepEqual(['0.025', '0.05', '1', '2.5', '300', '+Inf'].map(series), [0, 1, 1, 2, 2, 3], 'buckets are cumulative; 400 s is only in +Inf');
  assert.match(body, /^aibridge_mcp_tool_call_duration_seconds_sum\{product="cucm",category="ssh"\} 401\.54$/m);
  assert.match(body, /^aibridge_mcp_tool_call_duration_seconds_count\{product="cucm",category="ssh"\} 3$/m);
  assert.match(body, /^aibridge_mcp_tool_call_duration_seconds_count\{product="cucm",category="axl"\} 1$/m);
  const labelSets = new Set([...body.matchAll(/^aibridge_mcp_tool_call_duration_seconds_count\{([^}]*)\}/gm)].map((m) => m[1]));
  assert.deepEqual([...labelSets].sort(), ['product="cucm",category="axl"', 'product="cucm",category="ssh"'], 'one series per category, whatever the node or arguments');
  const histogram = body.split('\n').filter((l) => l.startsWith('aibridge_mcp_tool_call_duration_seconds')).join('\n');
  assert.doesNotMatch(histogram, /c2-unique-node-name|removePhone|cucm_timed|alice|client=/, 'no node, argument, tool or client label in the histogram');
  assert.doesNotMatch(body, /c2-unique-node-name/, 'a node name is in no series');
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  if (promtool.error) { t.skip('promtool is not installed (Debian package prometheus)'); return; }
  assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
  assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), '', 'no lint findings');
});
