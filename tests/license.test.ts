/**
 * End-to-end licence checks against the built binary: no licence → INVALID (critical log, only
 * the introspection tools, /health ok); `aibridge license install` while serving changes the tool
 * set at once (file watch) and MCP sessions get notifications/tools/list_changed; /status and
 * /metrics report the licence; a bad file is refused with one line. Transitions in time
 * (VALID → GRACE → EXPIRED) are unit-tested with an injected clock (src/license).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { httpsGet, issueTestLicense, newInstall, runBin, startServe } from './helpers/install.ts';
import type { Install, Running } from './helpers/install.ts';

let inst: Install;
let serve: Running;
const token = (): string => readFileSync(join(inst.dir, 'clients', 'alice', 'secrets', '.token'), 'utf8').trim();

before(async () => {
  inst = await newInstall(['AUTH_CLIENTS=alice:sub-alice-20261201:admin'], undefined, { license: false });
  serve = await startServe(inst);
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(inst.dir, 'secrets', 'server.crt'), 'utf8')]);
});
after(async () => { await serve?.stop(); });

async function status(): Promise<{ license: Record<string, unknown> }> {
  return JSON.parse((await httpsGet(inst.port, '/status', { authorization: `Bearer ${token()}` })).body) as { license: Record<string, unknown> };
}

test('without a licence: INVALID, critical log, /health ok, only the introspection tools, which explain why', async () => {
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
  const s = await status();
  assert.equal(s.license.state, 'INVALID');
  assert.match(String(s.license.reason), /no licence/);
  assert.match(readFileSync(join(inst.dir, 'logs', 'app.log'), 'utf8'), /"level":"critical".*"event":"license_invalid"|"event":"license_invalid".*"level":"critical"/);
  const c = new Client({ name: 'lic-e2e', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${inst.port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token()}` } } }));
  assert.deepEqual((await c.listTools()).tools.map((t) => t.name).sort(), ['aibridge_check_access', 'aibridge_whoami']);
  const who = JSON.parse(((await c.callTool({ name: 'aibridge_whoami', arguments: {} })) as CallToolResult).content.map((x) => (x as { text: string }).text).join('')) as { license: Record<string, unknown> };
  assert.equal(who.license.state, 'INVALID');
  assert.match(String(who.license.what_to_do), /license install/);

  // Installing a licence while serving changes the tool set without a restart.
  const changed = new Promise<void>((resolve) => c.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
  const file = join(inst.dir, 'essentials.jwt');
  writeFileSync(file, `${await issueTestLicense({ customer: 'ACME Bank', tier: 'essentials' })}\r\n`);
  const r = runBin(inst, ['license', 'install', file]);
  assert.equal(r.code, 0, r.out);
  assert.equal(statSync(join(inst.dir, 'secrets', 'license.jwt')).mode & 0o777, 0o600);
  await changed;
  const names = (await c.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes('cucm_axl_request'), names.join());
  assert.ok(!names.some((n) => n.startsWith('imp_') || n.startsWith('cuc_')), names.join());
  const after = await status();
  assert.equal(after.license.state, 'VALID');
  assert.equal(after.license.tier, 'essentials');
  assert.equal(after.license.customer, 'ACME Bank');
  assert.deepEqual(after.license.products, ['cucm']);
  assert.equal(after.license.days_left, 30);
  const metrics = (await httpsGet(inst.port, '/metrics')).body;
  assert.match(metrics, /^aibridge_license_state\{state="VALID"\} 1$/m);
  assert.match(metrics, /^aibridge_license_state\{state="INVALID"\} 0$/m);
  assert.match(metrics, /^aibridge_license_remaining_seconds 2592000$/m);
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"category":"SERVER","event":"license_state","state":"INVALID"/);
  assert.match(audit, /"category":"SERVER","event":"license_state","state":"VALID","previous":"INVALID"/);
  await c.close();
});

test('license show and install: one clear line for a bad file, nothing installed', () => {
  const show = runBin(inst, ['license', 'show']);
  assert.equal(show.code, 0, show.out);
  assert.match(show.out, /state:\s+VALID/);
  assert.match(show.out, /install id:\s+[0-9a-f-]{36}/);
  const bad = join(inst.dir, 'bad.jwt');
  writeFileSync(bad, Buffer.alloc(20 * 1024, 0x41));
  const r = runBin(inst, ['license', 'install', bad]);
  assert.equal(r.code, 1);
  assert.equal(r.out.trim().split('\n').length, 1, r.out);
  assert.match(r.out, /is not a licence: it is 20\.0 KiB, a licence is at most 16\.0 KiB; nothing was installed/);
  assert.match(runBin(inst, ['license', 'show']).out, /state:\s+VALID/);
});
