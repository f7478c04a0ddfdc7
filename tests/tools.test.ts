/**
 * End-to-end: MCP SDK client → built `aibridge serve` → `aibridge lab`, for each tool family and
 * each shipped profile (allowed and denied), with per-client encrypted credentials.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runBin } from './helpers/install.ts';
import type { Install } from './helpers/install.ts';
import { changesCli as cli, connectClient, startLabInstall } from './helpers/lab-install.ts';
import type { LabInstall, LabJson } from './helpers/lab-install.ts';

let li: LabInstall;
let lab: LabJson;
let inst: Install;
const CL = 'lab-cucm';
const EVIL = 'a<b>&c]]>"\' </description><name>x</name>';

before(async () => {
  li = await startLabInstall({
    labArgs: ['--phones', '50', '--seed', '11'],
    clients: ['alice:sub-alice-20261124:admin', 'olga:sub-olga-20261124:operator', 'aud:sub-aud-20261124:auditor', 'eve:sub-eve-20261124:admin'],
    credentialsFor: ['alice', 'olga', 'aud'],
    phoneCredentials: { cluster: CL, clients: ['alice', 'olga', 'aud'] },
  });
  ({ lab, inst } = li);
  // Until lab.env names the phones' shared web port, point aibridge at the first phone's.
  assert.match(li.labEnv, /^SERVER_CUCM_PHONE_HTTP_PORT=\d+$/m, 'lab.env names the phones\' HTTP port');
});
after(async () => { await li?.stop(); });

const changesCli = (args: string[]) => cli(inst, args);
const client = (name: string): Promise<Client> => connectClient(inst, name, 'tools-e2e');
async function call(who: string, tool: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; content: Array<Record<string, unknown>> }> {
  const c = await client(who);
  try {
    const r = await c.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 });
    const content = r.content as Array<Record<string, unknown>>;
    return { isError: r.isError === true, text: content.filter((x) => x.type === 'text').map((x) => String(x.text)).join('\n'), content };
  } finally { await c.close(); }
}
async function ok(who: string, tool: string, args: Record<string, unknown>) {
  const r = await call(who, tool, args);
  assert.equal(r.isError, false, `${who} ${tool}: ${r.text.slice(0, 400)}`);
  return r;
}
async function refused(who: string, tool: string, args: Record<string, unknown>, re?: RegExp) {
  const r = await call(who, tool, args);
  assert.equal(r.isError, true, `${who} ${tool} should be refused: ${r.text.slice(0, 300)}`);
  if (re) assert.match(r.text, re);
  return r;
}
/** A write is held as a change plan: approve it on the appliance, apply it, and return the apply's answer. */
async function applied(who: string, tool: string, args: Record<string, unknown>) {
  const plan = await ok(who, tool, args);
  const id = /"id":"(chg_[0-9a-f]{32})"/.exec(plan.text)?.[1];
  assert.ok(id && /pending_approval/.test(plan.text), `${who} ${tool} gave no pending plan: ${plan.text.slice(0, 300)}`);
  assert.equal((await changesCli(['approve', id])).code, 0);
  return ok(who, 'aibridge_change_apply', { id });
}
const pub = () => lab.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!.name;
const cuc = () => lab.nodes.find((n) => n.product === 'cuc')!.name;
const imp = () => lab.nodes.find((n) => n.product === 'imp')!.name;

test('credentials are stored encrypted: no Cisco password in clients/, secrets/ or the list output', () => {
  const pw = lab.nodes[0]!.password;
  const files = (d: string): string[] => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  for (const f of [...files(join(inst.dir, 'clients')), ...files(join(inst.dir, 'secrets'))]) assert.ok(!readFileSync(f).includes(pw), f);
  const list = runBin(inst, ['credentials', 'list', '--client', 'alice']);
  assert.equal(list.code, 0);
  assert.ok(!list.out.includes(pw) && list.out.includes(pub()));
});

test('credentials CLI: unknown clients and nodes are refused with what to do; delete removes', () => {
  const unknown = runBin(inst, ['credentials', 'set', '--client', 'nobody', '--node', CL, '--user', 'x'], 'pw\n');
  assert.equal(unknown.code, 1);
  assert.match(unknown.out, /start aibridge serve once/);
  const badNode = runBin(inst, ['credentials', 'set', '--client', 'eve', '--node', '127.0.0.1', '--user', 'x'], 'pw\n');
  assert.equal(badNode.code, 2);
  assert.match(badNode.out, new RegExp(`use one of: .*${CL}`));
  assert.equal(runBin(inst, ['credentials', 'set', '--client', 'eve', '--node', imp(), '--user', 'u'], 'pw\n').code, 0);
  assert.match(runBin(inst, ['credentials', 'list', '--client', 'eve']).out, new RegExp(imp()));
  assert.equal(runBin(inst, ['credentials', 'delete', '--client', 'eve', '--node', imp()]).code, 0);
  assert.match(runBin(inst, ['credentials', 'list', '--client', 'eve']).out, /no stored credentials/);
});

test('AXL: admin reads and writes, metacharacters round-trip, operator may not removeUser, an auditor may not update', async () => {
  assert.match((await ok('alice', 'cucm_axl_request', { node: CL, operation: 'getCCMVersion', args: {} })).text, new RegExp(lab.version.replace('.', '\\.')));
  const ph = lab.phones[3]!.name;
  await applied('alice', 'cucm_axl_request', { node: CL, operation: 'updatePhone', args: { name: ph, description: EVIL } });
  const g = await ok('alice', 'cucm_axl_request', { node: CL, operation: 'getPhone', args: { name: ph, returnedTags: { description: '' } } });
  assert.equal((JSON.parse(g.text) as { data: { phone: { description: string } } }).data.phone.description, EVIL);
  await applied('olga', 'cucm_axl_request', { node: CL, operation: 'updatePhone', args: { name: ph, description: 'operator was here' } });
  await refused('olga', 'cucm_axl_request', { node: CL, operation: 'removeUser', args: { userid: 'nobody' } });
  await refused('aud', 'cucm_axl_request', { node: CL, operation: 'updatePhone', args: { name: ph, description: 'x' } });
  await ok('aud', 'imp_axl_request', { node: imp(), operation: 'getCCMVersion', args: {} });
  await ok('olga', 'cucm_axl_describe', { node: CL, operation: 'listPhone' });
});

test('SQL: a query for every profile, injection refused, updates only where executeSQLUpdate is allowed and visible after', async () => {
  for (const who of ['alice', 'olga', 'aud']) assert.match((await ok(who, 'cucm_sql_query', { node: CL, sql: 'select first 5 name from device' })).text, /SEP/);
  await refused('alice', 'cucm_sql_query', { node: CL, sql: 'select name from device; delete from device' }, /more than one statement/);
  await refused('alice', 'cucm_axl_request', { node: CL, operation: 'executeSQLQuery', args: { sql: "update device set description='x'" } }, /only SELECT/);
  const ph = lab.phones[4]!.name;
  await applied('alice', 'cucm_sql_update', { node: CL, sql: `update device set description='via e2e' where name='${ph}'` });
  assert.match((await ok('aud', 'cucm_sql_query', { node: CL, sql: `select description from device where name='${ph}'` })).text, /via e2e/);
  await refused('olga', 'cucm_sql_update', { node: CL, sql: `update device set description='x' where name='${ph}'` });
});

test('RIS: registration by name, visible change after updatePhone; operator limited to phones', async () => {
  const ph = lab.phones[5]!.name;
  await applied('alice', 'cucm_axl_request', { node: CL, operation: 'updatePhone', args: { name: ph, description: 'ris sees this' } });
  const r = await ok('olga', 'cucm_ris_devices', { node: CL, names: [ph] });
  assert.match(r.text, /ris sees this/);
  await refused('olga', 'cucm_ris_devices', { node: CL, names: ['*'], device_class: 'SIPTrunk' });
  await ok('aud', 'cucm_ris_devices', { node: CL, names: ['*'], device_class: 'Any', max: 5 });
});

test('CLI: show for everyone, utils only where allowed, injection and undeclared hosts refused', async () => {
  assert.match((await ok('alice', 'cucm_cli', { node: pub(), command: 'show version active' })).text, /Active Master Version/);
  await refused('alice', 'cucm_cli', { node: pub(), command: 'show version active\nutils system restart' });
  await refused('olga', 'cucm_cli', { node: pub(), command: 'utils service list' });
  await ok('aud', 'cuc_cli', { node: cuc(), command: 'utils service list' });
  await refused('alice', 'cucm_cli', { node: '127.0.0.1', command: 'show version active' }, /not a declared/);
});

test('CLI progress: a long command streams its lines to the SDK client\'s onprogress while it runs; the same session runs the next command', async () => {
  const c = await client('alice');
  try {
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    let answered = false;
    const r = await c.callTool({ name: 'cucm_cli', arguments: { node: pub(), command: 'utils diagnose test' } }, undefined, {
      timeout: 120_000, resetTimeoutOnProgress: true,
      onprogress: (p) => { assert.equal(answered, false, 'no progress after the answer'); seen.push(p); },
    });
    answered = true;
    const text = (r.content as Array<{ type: string; text?: string }>).filter((x) => x.type === 'text').map((x) => x.text ?? '').join('\n');
    assert.equal(r.isError === true, false, text.slice(0, 300));
    assert.ok(seen.length >= 3, `${seen.length} progress notifications`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.progress > seen[i - 1]!.progress, 'progress (lines so far) only grows');
    // Streamed, not replayed at the end: the first notification came before the command had finished.
    assert.doesNotMatch(seen[0]!.message ?? '', /Diagnostics Completed/);
    const streamed = seen.map((p) => p.message ?? '').join('\n').split('\n').filter((l) => /^(test|skip) - /.test(l));
    assert.ok(streamed.length >= 10, `${streamed.length} module lines streamed`);
    for (const line of streamed) assert.ok(text.includes(line), `streamed line missing from the answer: ${line}`);
    assert.match(text, /Diagnostics Completed/);
    const next = await c.callTool({ name: 'cucm_cli', arguments: { node: pub(), command: 'show version active' } }, undefined, { timeout: 120_000 });
    assert.match(JSON.stringify(next.content), /Active Master Version/);
  } finally { await c.close(); }
});

test('CUPI: GET for all, traversal refused, DELETE refused to the auditor', async () => {
  await ok('aud', 'cuc_cupi_request', { node: cuc(), method: 'GET', path: '/vmrest/users' });
  await refused('alice', 'cuc_cupi_request', { node: cuc(), method: 'GET', path: '/vmrest/../../etc/passwd' });
  await refused('aud', 'cuc_cupi_request', { node: cuc(), method: 'DELETE', path: '/vmrest/users/x' });
});

test('phones: screenshot as an MCP image with the cluster phone credential', async () => {
  const r = await ok('olga', 'cucm_phone_screenshot', { node: CL, device: lab.phones[0]!.name });
  assert.ok(r.content.some((c) => c.type === 'image' && /^image\//.test(String(c.mimeType))));
});

test('a client without credentials cannot use another client\'s; credentials_status tells what is missing', async () => {
  await refused('eve', 'cucm_axl_request', { node: CL, operation: 'getCCMVersion', args: {} }, /no admin credentials/);
  assert.match((await ok('eve', 'credentials_status', {})).text, /missing/);
});

test('tool listing follows the profile, audit holds TRUSTED and denied records and no Cisco password', async () => {
  const names = async (who: string) => { const c = await client(who); try { return (await c.listTools()).tools.map((t) => t.name); } finally { await c.close(); } };
  assert.ok((await names('alice')).includes('cucm_sql_update'));
  assert.ok(!(await names('aud')).includes('cucm_sql_update'));
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"TRUSTED"/);
  assert.match(audit, /"CREDENTIAL"/);
  const denied = (tool: string) => audit.split('\n').some((l) => l.includes('"ACTIONS"') && l.includes(`"tool":"${tool}"`) && l.includes('"result":"denied"'));
  // Injection refused before sending, undeclared hosts and profile refusals are all audited as denied.
  for (const t of ['cucm_sql_query', 'cucm_cli', 'cuc_cupi_request', 'cucm_axl_request']) assert.ok(denied(t), `no denied ACTIONS record for ${t}`);
  for (const f of readdirSync(join(inst.dir, 'logs'))) assert.ok(!readFileSync(join(inst.dir, 'logs', f)).includes(lab.nodes[0]!.password), f);
});
