/**
 * What an agent relies on, driven as an agent would: MCP SDK client → pipeline → real Cisco tools
 * → `aibridge lab`. Describe depth/path, CUPI field selection, bounded AXL paging that says how to
 * continue, SQL hints for Informix mistakes and errors, IM&P descriptions and operations.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RunningLab } from '../../lab/start-lab.ts';
import type { CiscoServices } from './cisco-services.ts';
import { createCiscoTools } from './cisco-tools.ts';
import { startHarness } from '../testdata/mcp-harness.ts';
import { installOverLab, startLabWithEnv } from './testing/lab-tools-harness.ts';
import { IMP_AXL_OPERATIONS } from '../../cisco/axl/imp-operations.ts';
import { IMP_AXL_OPS } from '../../lab/node-https.ts';

type Structured = Record<string, unknown> & { data?: unknown; error?: Record<string, unknown> };
const labs: RunningLab[] = [];
const services: CiscoServices[] = [];
after(async () => { for (const s of services) s.close(); for (const l of labs) await l.close(); });

async function startLabFor(faults: string, phones: number): Promise<{ lab: RunningLab; env: string }> {
  const started = await startLabWithEnv({ seed: 9, phones, faults });
  labs.push(started.lab);
  return started;
}

/** A client of the pipeline with the real Cisco tools, against `lab`, with `extraEnv` in .env. */
async function agent(lab: RunningLab, env: string, extraEnv = ''): Promise<(name: string, args: Record<string, unknown>) => Promise<Structured>> {
  const install = await installOverLab(lab, env, { prefix: 'ergo-i', extraEnv });
  services.push(install.services);
  const h = await startHarness({ fakes: false, extraTools: [...install.tools.values()] });
  const client: Client = await h.connect('alice');
  return async (name, args) => (await client.callTool({ name, arguments: args })).structuredContent as Structured;
}

const plain = await startLabFor('', 5);
const call = await agent(plain.lab, plain.env);

test('cucm_axl_describe: "{…}" below the default depth, more on request, one subtree by path, a wrong path names what is there', async () => {
  const shallow = await call('cucm_axl_describe', { node: 'lab-cucm', operation: 'addPhone' });
  assert.equal(shallow.depth, 3);
  assert.ok((shallow.collapsed as number) > 0);
  assert.match(String(shallow.hint), /larger depth|path/);
  assert.match(JSON.stringify(shallow.data), /\{…\}/);
  const deep = await call('cucm_axl_describe', { node: 'lab-cucm', operation: 'addPhone', depth: 8 });
  assert.ok((deep.collapsed as number) < (shallow.collapsed as number), `${deep.collapsed} < ${shallow.collapsed}`);
  assert.ok(JSON.stringify(deep.data).length > JSON.stringify(shallow.data).length);
  const line = await call('cucm_axl_describe', { node: 'lab-cucm', operation: 'addPhone', path: 'phone.lines', depth: 3 });
  assert.equal(line.path, 'phone.lines');
  const lineKeys = Object.keys(line.data as object);
  assert.ok(lineKeys.some((k) => k.startsWith('line')), lineKeys.join(','));
  const bad = await call('cucm_axl_describe', { node: 'lab-cucm', operation: 'addPhone', path: 'phone.linez' });
  assert.equal(bad.error?.code, 'E_INPUT_INVALID');
  assert.match(String(bad.error?.hint), /lines/);
});

test('cuc_cupi_request fields: only the named fields (plus ObjectId and URI) of each item; unknown names are reported', async () => {
  const full = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', rows_per_page: 5, page: 1 });
  const picked = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', rows_per_page: 5, page: 1, fields: ['Alias', 'DisplayName'] });
  const users = (picked.data as { User: Array<Record<string, unknown>> }).User;
  assert.ok(users.length > 0);
  for (const u of users) assert.deepEqual(Object.keys(u).filter((k) => !['ObjectId', 'URI'].includes(k)).sort(), ['Alias', 'DisplayName'].filter((f) => f in u).sort());
  assert.ok(users.every((u) => typeof u.ObjectId === 'string'), 'ObjectId kept');
  assert.ok(JSON.stringify(picked.data).length * 2 < JSON.stringify(full.data).length, 'the answer is much smaller');
  assert.equal(picked.total, full.total);
  const typo = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', rows_per_page: 2, page: 1, fields: ['alias'] });
  assert.deepEqual(typo.fields_missing, ['alias']);
  assert.match(String(typo.hint), /case-sensitive.*Alias/);
  const write = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'PUT', path: '/vmrest/users/x', body: {}, fields: ['Alias'] });
  assert.equal(write.error?.code, 'E_INPUT_INVALID');
});

test('SQL: a syntax error names the other dialect\'s construct; Informix errors get SQL hints with names from the node\'s catalog', async () => {
  for (const [sql, re] of [['select name from device offset 5', /OFFSET is not Informix/], ["select name from device where name ilike 'sep%'", /no ILIKE/]] as const) {
    const e = (await call('cucm_sql_query', { node: 'lab-cucm', sql })).error;
    assert.equal(e?.cisco_code, '-201', sql);
    assert.match(String(e?.hint), re, sql);
  }
  const limited = await call('cucm_sql_query', { node: 'lab-cucm', sql: 'select name from device order by name limit 2' });
  assert.equal(limited.rows, 2, 'a LIMIT at the end is Informix: sent as written');
  const ok = await call('cucm_sql_query', { node: 'lab-cucm', sql: 'select first 2 name from device' });
  assert.equal(ok.rows, 2);
  const table = (await call('cucm_sql_query', { node: 'lab-cucm', sql: 'select name from devices' })).error;
  assert.equal(table?.reason, 'soap_fault');
  assert.equal(table?.cisco_code, '-206');
  assert.match(String(table?.hint), /no table "devices".*similar names: device/);
  assert.doesNotMatch(String(table?.hint), /cucm_axl_describe/, 'a SQL hint, not the AXL-schema hint');
  const column = (await call('cucm_sql_query', { node: 'lab-cucm', sql: 'select d.nme from device d' })).error;
  assert.equal(column?.cisco_code, '-217');
  assert.match(String(column?.hint), /no column "nme" in device; did you mean name/);
  assert.match(String(column?.hint), /device: pkid, name, description/);
  const syntax = (await call('cucm_axl_request', { node: 'lab-cucm', operation: 'executeSQLQuery', args: { sql: 'select name from device where' } })).error;
  assert.equal(syntax?.cisco_code, '-201');
  assert.match(String(syntax?.hint), /Informix syntax error/);
});

test('IM&P: the tools say what IM&P answers, and the operation list is IM&P\'s', async () => {
  const ops = await call('cucm_axl_operations', { node: 'imp-pub', prefix: '' });
  assert.equal(ops.product, 'imp');
  assert.deepEqual([...(ops.data as string[])].sort(), [...IMP_AXL_OPERATIONS].sort());
  const cucmOps = await call('cucm_axl_operations', { node: 'lab-cucm', prefix: 'listPh' });
  assert.ok((cucmOps.data as string[]).includes('listPhone'));
  const refused = (await call('imp_axl_request', { node: 'imp-pub', operation: 'getPhone', args: { name: 'x' } })).error;
  assert.match(String(refused?.hint), /IM&P answers only part of AXL.*cucm_axl_request/);
  const users = await call('imp_axl_request', { node: 'imp-pub', operation: 'listUser', args: { searchCriteria: { userid: '%' }, returnedTags: { userid: '' } } });
  assert.equal(users.error, undefined);
});

test('IM&P tool descriptions are about IM&P; the lab\'s IM&P node serves exactly the IM&P operations', async () => {
  assert.deepEqual([...IMP_AXL_OPS].sort(), [...IMP_AXL_OPERATIONS].sort());
  const s = services[0]!;
  const tools = new Map(createCiscoTools(s).map((t) => [t.name, t.description]));
  assert.match(tools.get('imp_axl_request')!, /IM&P node answers only part of AXL/);
  assert.doesNotMatch(tools.get('imp_axl_request')!, /phones, lines, users, partitions/);
  assert.match(tools.get('imp_axl_request')!, /"operation":"listUser"/);
  assert.match(tools.get('imp_cli')!, /IM&Presence platform state.*utils ha status/);
  assert.match(tools.get('cuc_cli')!, /show cuc cluster status/);
});

test('automatic AXL paging: complete when it can be, refused below the minimum page size, and stopped by the time budget with how to continue', async () => {
  const { lab, env } = await startLabFor('axl:maxbytes:3000,latency:150', 400);
  const warm = await agent(lab, env);
  const all = await warm('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '' } } });
  assert.equal(all.complete, true);
  assert.ok((all.pages as number) > 3);
  assert.equal((all.data as { phone: unknown[] }).phone.length, all.rows);
  const wide = await warm('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '', description: '', model: '', product: '', protocol: '', devicePoolName: '', callingSearchSpaceName: '', locationName: '', ownerUserName: '' } } });
  assert.equal(wide.error?.reason, 'too_many_rows');
  assert.match(String(wide.error?.message), /does not page automatically below 25 rows/);
  assert.match(String(wide.error?.hint), /fewer returnedTags/);
  // The same lab with a 1 s AXL timeout: the whole paged answer gets that budget.
  const hurried = await agent(lab, env, 'SERVER_CUCM_ZEEP_TIMEOUT=1\n');
  const part = await hurried('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '' } } });
  assert.equal(part.complete, false);
  const next = part.next as { skip: number; first: number };
  assert.equal(next.skip, part.rows);
  assert.ok(next.skip < (all.rows as number));
  assert.match(String(part.hint), /time budget.*"skip":\d+,"first":\d+/);
  const more = await hurried('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '' }, skip: next.skip, first: next.first } });
  const names = (d: Structured): string[] => (d.data as { phone: Array<{ name: string }> }).phone.map((p) => p.name);
  assert.deepEqual(names(more), names(all).slice(next.skip, next.skip + next.first), 'continuing gives the next rows');
});
