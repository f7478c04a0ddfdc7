import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { buildDataset } from '../lab/dataset.ts';
import { runCliCommand } from '../lab/ssh/cli-commands.ts';
import { parseFaults } from '../lab/faults.ts';
import type { LabNode } from '../lab/lab-node.ts';
import type { HealthNode, HealthProbes } from './health-engine.ts';
import { runHealthCheck } from './health-engine.ts';
import { renderHealthMarkdown } from './health-markdown.ts';

// The lab's own CLI renders the outputs, so the engine is tested on the formats the lab serves.
const data = buildDataset({ seed: 13, phones: 40, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: { username: 'admin', password: 'pw', phoneUser: 'pu', phonePassword: 'pp' } });
const lab = (name: string, role: LabNode['role'], host: string): LabNode => ({ name, product: 'cucm', cluster: 'lab-cucm', role, host, httpsPort: 1, sshPort: 2, sshHostKeySha256: '' });
const labNodes = [lab('cucm-pub', 'publisher', '127.0.0.11'), lab('cucm-sub1', 'subscriber', '127.0.0.12')];
const nodes: HealthNode[] = labNodes.map((n) => ({ name: n.name, product: 'cucm', role: n.role }));
const STARTED = new Date('2026-11-30T08:00:00Z');
const NOW = new Date('2026-12-01T10:00:00Z');

function probes(faults = '', opts: { down?: string; hang?: string; allow?: (c: string) => boolean } = {}): HealthProbes & { calls: string[] } {
  const plan = parseFaults(faults);
  const calls: string[] = [];
  return {
    calls,
    cliAllowed: opts.allow ?? (() => true),
    async cli(node, command) {
      calls.push(`${node.name}: ${command}`);
      if (node.name === opts.down) throw new Error('connect ECONNREFUSED 127.0.0.12:22');
      if (node.name === opts.hang) return new Promise(() => undefined);
      const r = runCliCommand({ node: labNodes.find((n) => n.name === node.name)!, data, allNodes: labNodes, startedAt: STARTED, faults: plan, now: () => NOW.getTime() }, command, { pagination: false });
      return { ok: r.ok, output: r.lines.join('\n') };
    },
    async registration() {
      return { devices: [...data.registrations.values()].map((r) => ({ cmNode: r.node, status: r.status, model: 'Cisco 8845' })), requests: 1 };
    },
  };
}

const run = (p: HealthProbes, stepTimeoutMs = 5000) => runHealthCheck({ product: 'cucm', cluster: 'lab-cucm', nodes, probes: p, stepTimeoutMs, now: () => NOW });
const line = (r: { grade: string; check: string; node: string }) => `${r.grade} ${r.check} ${r.node}`;

test('runHealthCheck() grades every check of a healthy lab with evidence, on every node', async () => {
  const out = await run(probes());
  const lines = out.checks.map(line);
  for (const n of ['cucm-pub', 'cucm-sub1']) {
    for (const c of ['Replication', 'NTP', 'Services', 'CPU', 'Memory', 'Disk', 'Certificate tomcat', 'Certificate CallManager', 'Certificate ITLRecovery', 'Registration']) {
      assert.ok(lines.some((l) => l.endsWith(` ${c} ${n}`)), `missing ${c} on ${n}: ${lines.join('; ')}`);
    }
  }
  assert.ok(out.checks.every((c) => c.evidence.length > 0));
  assert.ok(out.checks.filter((c) => c.check !== 'Registration').every((c) => c.grade === 'PASS'), lines.filter((l) => !l.startsWith('PASS')).join('; '));
  assert.ok(out.requests >= 2 * 12);
});

test('runHealthCheck() grades the lab faults FAIL/WARN on their own lines', async () => {
  const out = await run(probes('replication:bad,ntp:unsynced,cert:expiring:tomcat:10,cert:expiring:CAPF:40,cert:expiring:TVS:-2'));
  const g = (check: string, node: string) => out.checks.find((c) => c.check === check && c.node === node);
  assert.equal(g('Replication', 'cucm-sub1')?.grade, 'FAIL');
  assert.match(g('Replication', 'cucm-sub1')!.evidence, /state 3/);
  assert.equal(g('Replication', 'cucm-pub')?.grade, 'PASS');
  assert.equal(g('NTP', 'cucm-pub')?.grade, 'FAIL');
  assert.match(g('NTP', 'cucm-pub')!.evidence, /unsynchronised/);
  assert.equal(g('Certificate tomcat', 'cucm-pub')?.grade, 'FAIL');
  assert.equal(g('Certificate CAPF', 'cucm-sub1')?.grade, 'WARN');
  assert.match(g('Certificate TVS', 'cucm-pub')!.evidence, /expired 2 days ago/);
});

test('runHealthCheck(): a service stopped from the start (lab fault service:stopped:NAME) fails the Services check of every node, naming it', async () => {
  const stopped = buildDataset({ seed: 13, phones: 40, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: { username: 'admin', password: 'pw', phoneUser: 'pu', phonePassword: 'pp' }, stoppedServices: ['Cisco Tftp'] });
  const p = { ...probes(), async cli(node: HealthNode, command: string) {
    const r = runCliCommand({ node: labNodes.find((n) => n.name === node.name)!, data: stopped, allNodes: labNodes, startedAt: STARTED, faults: parseFaults('') }, command, { pagination: false });
    return { ok: r.ok, output: r.lines.join('\n') };
  } };
  const out = await run(p);
  for (const n of ['cucm-pub', 'cucm-sub1']) {
    const svc = out.checks.find((c) => c.check === 'Services' && c.node === n);
    assert.equal(svc?.grade, 'FAIL', `${n}: ${svc?.evidence}`);
    assert.match(svc!.evidence, /Cisco Tftp/);
  }
});

test('runHealthCheck(): a node that does not answer is FAIL for its checks; the other node is still graded', async () => {
  const p = probes('', { down: 'cucm-sub1' });
  const out = await run(p);
  const sub = out.checks.filter((c) => c.node === 'cucm-sub1' && c.check !== 'Registration' && c.check !== 'Replication');
  assert.ok(sub.length >= 4);
  assert.ok(sub.every((c) => c.grade === 'FAIL' && /did not answer: connect ECONNREFUSED/.test(c.evidence)), sub.map(line).join('; '));
  // It was tried once, not once per check.
  assert.equal(p.calls.filter((c) => c.startsWith('cucm-sub1')).length, 1);
  assert.ok(out.checks.some((c) => c.node === 'cucm-pub' && c.check === 'NTP' && c.grade === 'PASS'));
});

test('runHealthCheck(): a step that hangs ends at its own timeout as FAIL', async () => {
  const out = await run(probes('', { hang: 'cucm-sub1' }), 50);
  const ntp = out.checks.filter((c) => c.node === 'cucm-sub1' && c.check !== 'Registration' && c.check !== 'Replication');
  assert.ok(ntp.length > 0 && ntp.every((c) => c.grade === 'FAIL'));
  assert.match(ntp[0]!.evidence, /no answer to "show status" within 0 s/);
});

test('runHealthCheck(): commands the profile does not allow are N/A and not run', async () => {
  const p = probes('', { allow: (c) => !c.startsWith('show cert') });
  const out = await run(p);
  assert.ok(!p.calls.some((c) => c.includes('show cert')));
  assert.ok(out.checks.some((c) => c.check === 'Certificates' && c.grade === 'N/A' && /does not allow/.test(c.evidence)));
});

test('runHealthCheck(): checks not applicable to the product are N/A once', async () => {
  const out = await runHealthCheck({ product: 'cuc', cluster: 'lab-cuc', nodes: [{ name: 'cucm-pub', product: 'cuc', role: 'publisher' }], checks: ['replication', 'ntp'], probes: probes(), stepTimeoutMs: 5000, now: () => NOW });
  assert.deepEqual(out.checks.map(line), ['N/A Replication lab-cuc', 'PASS NTP cucm-pub']);
});

test('renderHealthMarkdown() of a seeded lab matches the snapshot', async () => {
  const out = await run(probes('replication:bad'));
  const md = renderHealthMarkdown({ title: 'Cluster health: lab-cucm', cluster: 'lab-cucm', product: 'cucm', client: 'alice', nodes, checks: out.checks, requests: out.requests, durationMs: 1234, generatedAt: NOW });
  const file = new URL('./testdata/health-report.snapshot.md', import.meta.url);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    assert.ok(process.env.CI !== 'true' || process.env.UPDATE_SNAPSHOTS === '1', 'the snapshot file is missing in CI');
    writeFileSync(file, md);
  }
  assert.equal(md, readFileSync(file, 'utf8'));
});
