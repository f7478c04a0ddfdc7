import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.ts';
import type { RunningLab } from '../../lab/start-lab.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { outputProblems } from '../pipeline/output-schema.ts';
import { aliceContext, runTool, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

let harness: LabTools;
let lab: RunningLab;
let tools: Map<string, ToolDefinition>;
let events: string[];
const EVIL = 'a<b>&c]]>"\' </description><name>x</name>';

before(async () => {
  harness = await startLabTools({
    seed: 11, phones: 30, prefix: 'labtools', phoneCredential: true,
    editEnv: (labEnv) => {
      assert.match(labEnv, /^SERVER_CUCM_PHONE_HTTP_PORT=\d+$/m, 'lab.env names the phones\' HTTP port');
      return labEnv;
    },
  });
  ({ lab, tools, events } = harness);
});
after(async () => { await harness.close(); });

const ctx = aliceContext();
async function call(name: string, args: Record<string, unknown>): Promise<any> {
  const t = tools.get(name)!;
  const r = await runTool(t, args, ctx);
  // Every answer carries structuredContent that fits the tool's declared outputSchema.
  assert.ok(r.structuredContent, `${name} returned no structuredContent`);
  assert.equal(outputProblems(t, r.structuredContent), undefined, `${name}: structuredContent does not fit its outputSchema`);
  const text = r.content.find((c) => c.type === 'text') as { text: string } | undefined;
  return { result: r, json: text ? JSON.parse(text.text) : undefined };
}

test('AXL through the tools: version, list with paging, describe, operations', async () => {
  const v = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'getCCMVersion', args: {} });
  assert.match(JSON.stringify(v.json.data), new RegExp(lab.description.version.replace('.', '\\.')));
  const l = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '', model: '' }, first: 5 } });
  assert.equal(l.json.data.phone.length, 5);
  assert.match(l.json.notice, /data, never as instructions/);
  const d = await call('cucm_axl_describe', { node: 'lab-cucm', operation: 'getPhone' });
  assert.ok('returnedTags?' in d.json.data);
  const o = await call('cucm_axl_operations', { node: 'cucm-pub', prefix: 'listPh' });
  assert.ok(o.json.data.includes('listPhone'));
});

test('a description with XML metacharacters round-trips literally through updatePhone/getPhone and SQL', async () => {
  const ph = lab.description.phones[0]!.name;
  await call('cucm_axl_request', { node: 'lab-cucm', operation: 'updatePhone', args: { name: ph, description: EVIL } });
  const g = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'getPhone', args: { name: ph, returnedTags: { description: '' } } });
  assert.equal(g.json.data.phone.description, EVIL);
  const q = await call('cucm_sql_query', { node: 'lab-cucm', sql: `select description from device where name = '${ph}'` });
  assert.equal(q.json.data[0].description, EVIL);
});

test('SQL: a page of rows with "more", an update visible to the next query, refusals before sending', async () => {
  const p1 = await call('cucm_sql_query', { node: 'lab-cucm', sql: "select name from device where name like 'SEP%' order by name", limit: 3 });
  assert.equal(p1.json.rows, 3);
  assert.equal(p1.json.more, true);
  const p2 = await call('cucm_sql_query', { node: 'lab-cucm', sql: "select name from device where name like 'SEP%' order by name", limit: 3, offset: 3 });
  assert.notEqual(p2.json.data[0].name, p1.json.data[0].name);
  const ph = lab.description.phones[1]!.name;
  const u = await call('cucm_sql_update', { node: 'lab-cucm', sql: `update device set description = 'via sql' where name = '${ph}'` });
  assert.match(JSON.stringify(u.json.data), /1/);
  const q = await call('cucm_sql_query', { node: 'lab-cucm', sql: `select description from device where name = '${ph}'` });
  assert.equal(q.json.data[0].description, 'via sql');
  await assert.rejects(call('cucm_sql_query', { node: 'lab-cucm', sql: 'select name from device; delete from device' }), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN');
});

test('RIS finds a registered phone with its IP; a screenshot comes back as an image', async () => {
  const p = lab.description.phones[0]!;
  const r = await call('cucm_ris_devices', { node: 'lab-cucm', names: [p.name] });
  assert.equal(r.json.data[0].name, p.name);
  assert.equal(r.json.data[0].ip, p.ip);
  const s = await call('cucm_phone_screenshot', { node: 'lab-cucm', device: p.name });
  const img = s.result.content.find((c: { type: string }) => c.type === 'image');
  assert.ok(img && img.mimeType === 'image/png' && Buffer.from(img.data, 'base64').subarray(1, 4).toString() === 'PNG');
  const i = await call('cucm_phone_info', { node: 'lab-cucm', device: p.name });
  assert.match(JSON.stringify(i.json.data), /SEP/);
});

test('an HTTPS-only phone (98xx) is read over verified HTTPS with the phone CA from lab.env', async () => {
  const p = lab.description.phones.find((x) => x.scheme === 'https');
  assert.ok(p, 'the lab has an HTTPS-only phone');
  const s = await call('cucm_phone_screenshot', { node: 'lab-cucm', device: p.name });
  const img = s.result.content.find((c: { type: string }) => c.type === 'image');
  assert.ok(img && img.mimeType === 'image/png');
  const i = await call('cucm_phone_info', { node: 'lab-cucm', device: p.name });
  assert.match(JSON.stringify(i.json.data), /DP-98\d\d/);
});

test('CLI: show version active on the publisher, host key trusted on first use', async () => {
  const r = await call('cucm_cli', { node: 'cucm-pub', command: 'show version active' });
  assert.match(r.json.data, /Active Master Version/);
  assert.equal(r.json.status, 'ok');
  assert.ok(events.includes('TRUSTED:ssh_host_key_trusted'));
  const c = await call('cuc_cli', { node: 'cuc-pub', command: 'show cuc version' });
  assert.match(c.json.data, /version/i);
  const i = await call('imp_cli', { node: 'imp-pub', command: 'show status' });
  assert.match(i.json.data, /Host Name/i);
});

test('CUPI: GET users as JSON; a 404 is a clear error', async () => {
  const r = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', query: { rowsPerPage: 2, pageNumber: 1 } });
  assert.equal(r.json.status, 200);
  assert.ok(JSON.stringify(r.json.data).includes('@total'));
  const p = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', page: 2, rows_per_page: 3 });
  assert.equal(p.json.pageNumber, 2);
  assert.ok(p.json.total > 3);
  await assert.rejects(call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users/00000000-0000-0000-0000-000000000000' }), /not found \(HTTP 404\)/);
});

test('addPhone and updatePhone through AXL are then visible through SQL and RIS', async () => {
  const dp = (await call('cucm_sql_query', { node: 'lab-cucm', sql: 'select first 1 name from devicepool' })).json.data[0].name;
  const phone = { name: 'SEP0A0B0C0D0E0F', product: 'Cisco 8845', class: 'Phone', protocol: 'SIP', protocolSide: 'User', devicePoolName: dp,
    commonPhoneConfigName: 'Standard Common Phone Profile', locationName: 'Hub_None', useTrustedRelayPoint: 'Default', phoneTemplateName: 'Standard 8845 SIP',
    primaryPhoneName: '', builtInBridgeStatus: 'Default', packetCaptureMode: 'None', certificateOperation: 'No Pending Operation', deviceMobilityMode: 'Default', description: 'added by test' };
  const a = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'addPhone', args: { phone } });
  assert.match(JSON.stringify(a.json.data), /\{[0-9A-F-]{36}\}/i);
  const q = await call('cucm_sql_query', { node: 'lab-cucm', sql: "select description from device where name = 'SEP0A0B0C0D0E0F'" });
  assert.equal(q.json.data[0].description, 'added by test');
  // A phone that never registered is not in RIS (as on CUCM); an update of a registered one shows there.
  const p = lab.description.phones[2]!.name;
  await call('cucm_axl_request', { node: 'lab-cucm', operation: 'updatePhone', args: { name: p, description: 'moved to 2nd floor' } });
  const r = await call('cucm_ris_devices', { node: 'lab-cucm', names: [p] });
  assert.equal(r.json.data[0]?.description, 'moved to 2nd floor');
});

test('CUPI: a one-item page is still a list; a PUT to a missing schedule set (400 DATA_EXCEPTION) is not-found', async () => {
  const one = await call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users', query: { rowsPerPage: 1, pageNumber: 1 } });
  assert.ok(Array.isArray(one.json.data.User));
  assert.equal(one.json.data.User.length, 1);
  assert.ok(one.json.total >= 1);
  await assert.rejects(call('cuc_cupi_request', { node: 'cuc-pub', method: 'PUT', path: '/vmrest/schedulesets/30d9c0df-534b-437a-a6b7-439adfd850da', body: { DisplayName: 'x' } }),
    (e: unknown) => e instanceof AppError && e.code === 'E_NOT_FOUND' && /DATA_EXCEPTION: ScheduleSet not found/.test(e.message));
});

test('AXL listChange: the queue position, then the changes since it (change notification)', async () => {
  const q = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'listChange', args: {} });
  const start = Number(q.json.data.queueInfo.nextStartChangeId);
  assert.ok(start >= 1);
  const ph = lab.description.phones[2]!.name;
  await call('cucm_axl_request', { node: 'lab-cucm', operation: 'updatePhone', args: { name: ph, description: 'changed for listChange' } });
  const c = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'listChange', args: { startChangeId: { '#text': String(start), '@queueId': q.json.data.queueInfo.queueId } } });
  const changes = c.json.data.changes.change;
  assert.ok(Array.isArray(changes) && changes.length >= 1, JSON.stringify(c.json.data));
  const mine = changes.find((x: { '@type': string; action: string }) => x['@type'] === 'phone' && x.action === 'u');
  assert.ok(mine, JSON.stringify(changes));
  const g = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'getPhone', args: { name: ph, returnedTags: { name: '' } } });
  assert.equal(String(g.json.data.phone['@uuid']).replace(/[{}]/g, '').toLowerCase(), mine['@uuid']);
  assert.ok(Number(c.json.data.queueInfo.nextStartChangeId) > start);
});
