import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunningLab } from '../../lab/start-lab.ts';
import { AppError } from '../../lib/errors.ts';
import { reasonClass } from '../../cisco/upstream-error.ts';
import type { UpstreamReason } from '../../cisco/upstream-error.ts';
import { aliceContext, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

const open: LabTools[] = [];
after(async () => { for (const o of open) await o.close(); });

/** The operator enrolled the fingerprints lab.json reports; the node now presents another key. */
function enrolLabHostKeys(root: string, lab: RunningLab): void {
  const known = Object.fromEntries(lab.description.nodes.map((n) => [n.name, { host: n.host, port: n.ssh_port, sha256: n.ssh_host_key_sha256, trustedAt: new Date().toISOString() }]));
  mkdirSync(join(root, 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, 'secrets', 'ssh_host_keys.json'), JSON.stringify(known), { mode: 0o600 });
}

async function setup(faults: string, extraEnv = '', seedKeys = false, phones = 5) {
  const h = await startLabTools({ seed: 5, phones, faults, prefix: 'labf-i', extraEnv, phoneCredential: true, ...(seedKeys ? { prepare: enrolLabHostKeys } : {}) });
  open.push(h);
  const { tools, events, lab } = h;
  const ctx = aliceContext();
  const call = async (name: string, args: Record<string, unknown>) => { const t = tools.get(name)!; return t.handler(z.object(t.inputSchema).parse(args), ctx); };
  return { call, events, lab };
}

/** A failure at the node of this class (cisco/upstream-error.ts): code and reason agree with the table, message and hint say what. */
const upstream = (reason: UpstreamReason, re: RegExp, hint?: RegExp) => (e: unknown): boolean =>
  e instanceof AppError && e.upstream?.reason === reason && e.code === reasonClass(reason).code && re.test(e.message) && (!hint || hint.test(e.hint ?? ''));

test('an untrusted node certificate fails and says which CA bundle key to set (T-IN-34); a changed SSH key is blocked and audited (T-IN-26)', async () => {
  const { call, events } = await setup('tls:untrusted,ssh:hostkey', '', true);
  await assert.rejects(call('cucm_axl_request', { node: 'lab-cucm', operation: 'getCCMVersion', args: {} }), upstream('tls_untrusted', /not trusted/, /SERVER_CUCM_SSL_CA_BUNDLE/));
  await assert.rejects(call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users' }), upstream('tls_untrusted', /not trusted/, /SERVER_CUC_SSL_CA_BUNDLE/));
  await assert.rejects(call('cucm_cli', { node: 'cucm-pub', command: 'show status' }), upstream('ssh_host_key_changed', /host key of node "cucm-pub" changed/));
  assert.ok(events.includes('TRUSTED:ssh_host_key_mismatch'));
});

test('expired credentials give errors that say to update them', async () => {
  const { call } = await setup('auth:expired');
  await assert.rejects(call('cucm_axl_request', { node: 'lab-cucm', operation: 'getCCMVersion', args: {} }), upstream('auth_rejected', /rejected the stored AXL credentials/, /aibridge credentials set/));
  await assert.rejects(call('cucm_cli', { node: 'cucm-pub', command: 'show status' }), upstream('auth_rejected', /rejected the stored CLI credentials/));
  await assert.rejects(call('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users' }), upstream('auth_rejected', /credentials are wrong/));
});

test('AXL throttling is retried within the deadline, then reported as throttling', async () => {
  const { call, lab } = await setup('axl:throttle:1', 'SERVER_CUCM_ZEEP_TIMEOUT=3\n');
  await assert.rejects(call('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: '%' }, returnedTags: { name: '' } } }), upstream('throttled', /Maximum AXL Memory|axlcode -1/, /throttling/));
  // Counted, not timed: the node answered the memory fault to the first try and to at least one
  // retry (back-off 0.5 s, then 1 s, within the 3 s deadline), and to no more than the five retries.
  const served = lab.faults.servedCount('axl:memory');
  assert.ok(served >= 2 && served <= 6, `the read was retried after throttling (${served} tries)`);
});

test('the RIS per-minute budget is respected before the node throttles', async () => {
  const { call, lab } = await setup('');
  const p = lab.description.phones[0]!.name;
  let limited: unknown;
  for (let i = 0; i < 20 && !limited; i++) await call('cucm_ris_devices', { node: 'lab-cucm', names: [p] }).catch((e: unknown) => { limited = e; });
  assert.ok(limited instanceof AppError && limited.code === 'E_RATE_LIMITED' && /RIS budget of 15/.test(limited.message), String(limited));
});

test('a list too large for one AXL answer is fetched page by page and merged', async () => {
  const { call } = await setup('axl:maxbytes:3000', '', false, 80);
  const r = await call('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '' } } });
  const v = JSON.parse((r.content[0] as { text: string }).text) as { pages: number; data: { phone: Array<{ name: string }> } };
  assert.ok(v.pages > 1, `pages: ${v.pages}`);
  assert.equal(v.data.phone.length, new Set(v.data.phone.map((p) => p.name)).size);
  assert.ok(v.data.phone.length >= 80);
  await assert.rejects(call('cucm_axl_request', { node: 'lab-cucm', operation: 'listPhone', args: { searchCriteria: { name: 'SEP%' }, returnedTags: { name: '' }, first: 1000 } }), upstream('too_many_rows', /too many rows/));
});

test('a SQL query too large for one AXL answer is fetched in windows', async () => {
  const { call } = await setup('axl:maxbytes:3000', '', false, 80);
  const r = await call('cucm_sql_query', { node: 'lab-cucm', sql: "select name, description from device where name like 'SEP%' order by name", limit: 70 });
  const v = JSON.parse((r.content[0] as { text: string }).text) as { rows: number; more: boolean; data: Array<{ name: string }> };
  assert.equal(v.rows, 70);
  assert.equal(v.more, true);
  assert.equal(new Set(v.data.map((x) => x.name)).size, 70);
});

test('a phone answering CiscoIPPhoneError 4 is a tool error with the meaning and the fix, never device data', async () => {
  const { call, lab } = await setup('phone:error:4', '', false, 3);
  const device = lab.description.phones[0]!.name;
  await assert.rejects(call('cucm_phone_screenshot', { node: 'lab-cucm', device }), upstream('auth_rejected', /CiscoIPPhoneError 4 \(authentication error\)/, /associate the phone with the phone user.*Web Access.*authentication URL/));
});

test('an AXL fault with axlcode -1 that is not throttling is an ordinary error, returned at once', async () => {
  const { call } = await setup('axl:500:1');
  await assert.rejects(call('cucm_axl_request', { node: 'lab-cucm', operation: 'getCCMVersion', args: {} }), upstream('soap_fault', /Internal Server Error/, /^(?!.*throttling)/));
});
