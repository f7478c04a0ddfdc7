import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import { createCiscoServices } from './cisco-services.ts';
import { createCiscoTools } from './cisco-tools.ts';

const root = mkdtempSync(join(tmpdir(), 'aibridge-tools-'));
writeFileSync(join(root, '.env'), 'CISCO_NODES=cm-pub:cucm:127.0.0.1:cl1:publisher,cuc1:cuc:127.0.0.1:cuc1:publisher\nCISCO_NODE_PORTS=cm-pub:1:1,cuc1:1:1\n', { mode: 0o600 });
for (const c of ['alice', 'eve']) { mkdirSync(join(root, 'clients', c, 'secrets'), { recursive: true }); writeFileSync(join(root, 'clients', c, 'secrets', '.uuid'), randomUUID()); }
const events: string[] = [];
const services = createCiscoServices(loadConfig(root), { append: (c: string, e: string) => events.push(`${c}:${e}`) });
const tools = new Map(createCiscoTools(services).map((t) => [t.name, t]));
after(() => services.close());

function ctx(client: string): ToolContext {
  return { principal: { clientName: client, subject: `sub-${client}`, profile: 'admin', authMethod: 'jwt', tokenId: 'j', expiresAt: 0 }, signal: new AbortController().signal, progress: async () => undefined };
}
function tool(name: string): ToolDefinition {
  const t = tools.get(name);
  assert.ok(t, `tool ${name} exists`);
  return t;
}
const refused = (code: string) => (e: unknown): boolean => e instanceof AppError && e.code === code;

test('the catalogue has every contracted tool with its contracted argument names', () => {
  const want: Record<string, string[]> = {
    cucm_axl_request: ['node', 'operation', 'args'], cucm_axl_describe: ['node', 'operation'], cucm_axl_operations: ['node', 'prefix'],
    cucm_sql_query: ['node', 'sql', 'limit'], cucm_sql_update: ['node', 'sql'], cucm_ris_devices: ['node', 'names', 'status', 'model', 'device_class', 'max'],
    cucm_cli: ['node', 'command'], cucm_phone_screenshot: ['node', 'device'], cucm_phone_info: ['node', 'device'], imp_axl_request: ['node', 'operation', 'args'],
    imp_cli: ['node', 'command'], cuc_cupi_request: ['node', 'method', 'path', 'query', 'body'], cuc_cli: ['node', 'command'], credentials_status: [],
  };
  for (const [name, args] of Object.entries(want)) for (const a of args) assert.ok(a in tool(name).inputSchema, `${name}.${a}`);
  for (const t of tools.values()) assert.ok(t.description.length > 80 && /Example|example/.test(t.description) || t.name === 'credentials_status', t.name);
  assert.deepEqual(tool('cucm_sql_update').requires, { product: 'cucm', axlOperation: 'executeSQLUpdate' });
});

test('target() refuses injection before anything is contacted and names what RBAC decides on', () => {
  assert.deepEqual(tool('cucm_cli').target({ node: 'cm-pub', command: 'show  status' }), { node: 'cm-pub', product: 'cucm', sshCommand: 'show status' });
  assert.throws(() => tool('cucm_cli').target({ node: 'cm-pub', command: 'show version active\nutils system restart' }), refused('E_FORBIDDEN'));
  assert.equal(tool('cuc_cupi_request').target({ node: 'cuc1', method: 'GET', path: '/vmrest/users/' }).cupiRequest, 'GET /vmrest/users');
  assert.throws(() => tool('cuc_cupi_request').target({ node: 'cuc1', method: 'GET', path: '/vmrest/../../etc/passwd' }), refused('E_FORBIDDEN'));
  assert.throws(() => tool('cucm_sql_query').target({ node: 'cl1', sql: 'select name from device; delete from device', limit: 10, offset: 0 }), refused('E_FORBIDDEN'));
  assert.throws(() => tool('cucm_sql_query').target({ node: 'cl1', sql: "update device set description='x'", limit: 10, offset: 0 }), refused('E_FORBIDDEN'));
  // The generic AXL tool applies the same SQL checks: no way around cucm_sql_query's rules.
  assert.throws(() => tool('cucm_axl_request').target({ node: 'cl1', operation: 'executeSQLQuery', args: { sql: 'select 1 from device; drop table device' } }), refused('E_FORBIDDEN'));
  assert.throws(() => tool('cucm_axl_request').target({ node: 'cl1', operation: 'executeSQLQuery', args: { sql: "update device set name='x'" } }), refused('E_FORBIDDEN'));
  assert.deepEqual(tool('cucm_ris_devices').target({ node: 'cl1', names: ['SEP*'], select_by: 'Name', status: 'Any', model: 255, device_class: 'Phone', max: 10 }), { node: 'cl1', product: 'cucm', risDeviceClasses: ['Phone'], risStatuses: ['Any'] });
});

test('target() and handlers refuse undeclared hosts and IP literals, listing the valid names (T-IN-30)', async () => {
  for (const name of ['cucm_axl_request', 'cucm_sql_query', 'cucm_ris_devices', 'cucm_cli', 'cucm_phone_screenshot', 'cucm_axl_describe']) {
    assert.throws(() => tool(name).target({ node: '127.0.0.1', operation: 'getPhone', args: {}, sql: 'select 1 from device', names: ['*'], command: 'show status', device: 'SEP1', device_class: 'Phone', status: 'Any' }), refused('E_FORBIDDEN'), name);
  }
  for (const node of ['127.0.0.1', 'localhost', '169.254.169.254', '[::1]']) {
    await assert.rejects(tool('cucm_cli').handler({ node, command: 'show status' }, ctx('alice')), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /cm-pub, cl1/.test(e.hint ?? ''));
  }
  await assert.rejects(tool('cuc_cupi_request').handler({ node: 'cm-pub', method: 'GET', path: '/vmrest/users' }, ctx('alice')), /CUCM node, not Unity Connection/);
});

test('a client without stored credentials cannot use another client\'s', async () => {
  await services.credentials.set('alice', { target: 'cl1', purpose: 'admin', user: 'axl', password: 'secret-pw' });
  await assert.rejects(tool('cucm_axl_request').handler({ node: 'cl1', operation: 'getCCMVersion', args: {} }, ctx('eve')), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /Client "eve" has no admin credentials/.test(e.message));
});

test('credentials_status lists nodes and what is stored, never a password', async () => {
  const r = await tool('credentials_status').handler({}, ctx('alice'));
  const text = (r.content[0] as { text: string }).text;
  assert.ok(!text.includes('secret-pw'));
  const v = JSON.parse(text) as { nodes: Array<{ node: string; admin: string; phone?: string }> };
  assert.deepEqual(v.nodes.map((n) => [n.node, n.admin, n.phone]), [['cm-pub', 'cluster', 'missing'], ['cuc1', 'missing', undefined]]);
});
