import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RunningLab } from '../../lab/start-lab.ts';
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { aliceContext, runTool, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';
import { checkLogFileName } from './serviceability-common.ts';
import { outputProblems } from '../pipeline/output-schema.ts';

let harness: LabTools;
let lab: RunningLab;
let services: CiscoServices;
let tools: Map<string, ToolDefinition>;
let root: string;
const progress: number[] = [];

before(async () => {
  harness = await startLabTools({ seed: 9, phones: 40, traceMb: 3, prefix: 'svctools', phoneCredential: true });
  ({ lab, services, tools, root } = harness);
});
after(async () => { await harness.close(); });

const ctx = aliceContext(async (p) => { progress.push(p); });
async function call(name: string, args: Record<string, unknown>): Promise<{ s: any; r: any }> {
  const t = tools.get(name)!;
  const r = await runTool(t, args, ctx);
  assert.equal(outputProblems(t, r.structuredContent), undefined, `${name}: structuredContent matches its outputSchema`);
  return { s: r.structuredContent, r };
}

test('cucm_service_status fans out over the cluster and names the node that fails', async () => {
  const { s } = await call('cucm_service_status', { node: 'lab-cucm' });
  assert.deepEqual(s.nodes.map((n: any) => [n.node, n.ok]), [['cucm-pub', true], ['cucm-sub1', true]]);
  const cm = s.nodes[0].services.find((x: any) => x.name === 'Cisco CallManager');
  assert.equal(cm.status, 'Started');
  assert.equal(s.nodes[0].services.find((x: any) => x.name === 'Cisco DRF Master').activated, true);
  assert.equal(s.nodes[1].services.find((x: any) => x.name === 'Cisco DRF Master').activated, false);
  // bob holds a login for the publisher only: the subscriber fails, by name, and the publisher still answers.
  mkdirSync(join(root, 'clients', 'bob', 'secrets'), { recursive: true });
  writeFileSync(join(root, 'clients', 'bob', 'secrets', '.uuid'), randomUUID());
  const pub = lab.description.nodes.find((x) => x.name === 'cucm-pub')!;
  await services.credentials.set('bob', { target: pub.name, purpose: 'admin', user: pub.username, password: pub.password });
  const t = tools.get('cucm_service_status')!;
  const r = await t.handler({ node: 'lab-cucm', services: ['Cisco Tftp'] } as never, { ...ctx, principal: { ...ctx.principal, clientName: 'bob' } });
  const again = r.structuredContent as any;
  assert.deepEqual(again.nodes.map((n: any) => [n.node, n.ok]), [['cucm-pub', true], ['cucm-sub1', false]]);
  const failure = again.nodes[1].error;
  assert.equal(failure.node, 'cucm-sub1');
  assert.match(failure.code, /^E_[A-Z_]+$/);
  assert.equal(typeof failure.retryable, 'boolean');
  assert.match(failure.message, /credential/i);
  assert.ok(failure.hint, 'the failure says what to do');
  assert.equal(outputProblems(t, again), undefined, 'the typed failure matches the outputSchema');
  assert.deepEqual(again.nodes[0].services.map((x: any) => x.name), ['Cisco Tftp']);
});

test('cucm_log_find over the cluster, then cucm_log_get by name returns the trace text', async () => {
  const { s } = await call('cucm_log_find', { node: 'lab-cucm', preset: 'sip', last_minutes: 60 });
  assert.deepEqual(s.nodes.map((n: any) => n.node), ['cucm-pub', 'cucm-sub1']);
  const small = s.files.find((f: any) => f.node === 'cucm-pub' && f.path.includes('/ccm/sdi/') && f.size > 500 && f.size < 1_000_000);
  assert.ok(small, JSON.stringify(s.files.slice(0, 3)));
  const { r, s: g } = await call('cucm_log_get', { node: small.node, file: small.name });
  assert.equal(g.inline, true);
  assert.match(r.content[1].text, /INVITE sip:/);
  assert.equal(statSync(g.kept_at).mode & 0o777, 0o600);
  assert.ok(g.kept_at.startsWith(join(root, 'clients', 'alice', 'downloads')));
});

test('a large trace streams to the downloads folder with progress and comes back as a resource link; the cap refuses bigger files', async () => {
  const { s } = await call('cucm_log_find', { node: 'cucm-pub', services: ['Cisco CallManager'], last_minutes: 30 });
  const big = s.files.find((f: any) => f.name === 'ccm00009999.txt');
  assert.equal(big.size, 3 * 1024 * 1024);
  progress.length = 0;
  const { r, s: g } = await call('cucm_log_get', { node: 'cucm-pub', file: big.path });
  assert.equal(g.inline, false);
  assert.equal(g.bytes, big.size);
  assert.equal(r.content[1].type, 'resource_link');
  assert.ok(progress.length >= 3, `progress notifications: ${progress.join(',')}`);
  const cap = services.maxDownloadBytes;
  services.maxDownloadBytes = 1024 * 1024;
  try {
    await assert.rejects(call('cucm_log_get', { node: 'cucm-pub', file: big.path }), /download cap/);
  } finally { services.maxDownloadBytes = cap; }
});

test('cucm_log_get refuses traversal, absolute paths outside the log folders, odd names and NUL before contacting anything', async () => {
  for (const bad of ['/etc/shadow', '../../etc/passwd', '/var/log/active/../../etc/shadow', '/var/log/active/syslog/./messages', '/var/log/active//x', 'a\u0000b', '~root/x', 'C:\\x', '/var/log/activex/y', '/var/log/active/a b', 'x/../y']) {
    assert.throws(() => checkLogFileName(bad), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN', bad);
    assert.throws(() => tools.get('cucm_log_get')!.target({ node: 'cucm-pub', file: bad } as never), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN', bad);
  }
  await assert.rejects(call('cucm_log_get', { node: 'cucm-pub', file: '/var/log/active/platform/log/servm.log' }), /not a file cucm_log_find reported/);
});

test('cucm_perfmon_collect: RegisteredHardwarePhones equals what RIS reports for the node; sessions give rates', async () => {
  for (const n of ['cucm-pub', 'cucm-sub1']) {
    const { s } = await call('cucm_perfmon_collect', { node: n, object: 'Cisco CallManager', counters: ['RegisteredHardwarePhones'] });
    const ris = [...lab.data.registrations.values()].filter((r) => r.node === n && r.status === 'Registered').length;
    assert.deepEqual(s.values.map((v: any) => [v.counter, v.value]), [['RegisteredHardwarePhones', ris]]);
  }
  const l = await call('cucm_perfmon_list', { node: 'cucm-pub', object: 'Processor' });
  assert.deepEqual(l.s.instances, ['_Total', '0', '1']);
  const sess = await call('cucm_perfmon_collect', { node: 'cucm-pub', object: 'Cisco CallManager', counters: ['CallsAttempted', 'CallsActive'], samples: 2, interval_seconds: 1 });
  assert.equal(sess.s.samples.length, 2);
  assert.equal(sess.s.session_closed, true);
  assert.equal(sess.s.rates_per_second.length, 2);
  await assert.rejects(call('cucm_perfmon_collect', { node: 'cucm-pub', object: 'Cisco CallManager', counters: ['NoSuchCounter'] }), /has no counter/);
});

test('cucm_cdr_list and cucm_cdr_get give the calls with named fields, Q.850 meanings and MOS', async () => {
  const { s } = await call('cucm_cdr_list', { node: 'lab-cucm', last_minutes: 60 });
  assert.ok(s.files.length > 2);
  assert.equal(s.files[0].kind, 'cdr');
  await assert.rejects(call('cucm_cdr_list', { node: 'lab-cucm', from: '2026-12-01T10:00:00Z', to: '2026-12-01T11:30:00Z' }), /longer than 60 minutes/);
  let withMos = false;
  for (const f of s.files.filter((x: any) => x.kind === 'cdr').slice(0, 12)) {
    const g = await call('cucm_cdr_get', { node: 'lab-cucm', file: f.name });
    for (const c of g.s.calls) {
      assert.match(c.callingPartyNumber, /^\d+$/);
      assert.match(c.dateTimeOrigination, /^\d{4}-\d{2}-\d{2}T/);
      assert.ok(c.destCause_meaning.length > 0 && c.origCause_meaning.length > 0);
      if (c.mos) withMos = true;
    }
  }
  assert.ok(withMos, 'answered calls carry MOS from the CMR');
});

test('cucm_phone_info pages: network and streaming', async () => {
  const ph = lab.description.phones[0]!.name;
  const n = await call('cucm_phone_info', { node: 'lab-cucm', device: ph, page: 'network' });
  assert.match(JSON.stringify(n.s.data), /SubNetMask/);
  const st = await call('cucm_phone_info', { node: 'lab-cucm', device: ph, page: 'streaming', index: 1 });
  assert.match(JSON.stringify(st.s.data), /StreamStatus/);
});
