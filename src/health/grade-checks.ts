/**
 * @module Pure grading: parsed CLI / RIS facts + THRESHOLDS → graded lines with the evidence
 * (the lines or values judged on). No I/O; the engine feeds it.
 */
import type { Grade } from '../reports/grades.ts';
import type { Thresholds } from './thresholds.ts';
import type { NtpState, ReplicationRow, ServiceState, StatusFacts } from './cli-parsers.ts';

export const CHECK_NAMES = ['registration', 'services', 'replication', 'ntp', 'resources', 'certificates', 'version'] as const;
export type CheckName = typeof CHECK_NAMES[number];

export interface CheckResult { grade: Grade; check: string; node: string; evidence: string }

const worst = (a: Grade, b: Grade): Grade => {
  const rank: Record<Grade, number> = { FAIL: 4, WARN: 3, PASS: 2, INFO: 1, 'N/A': 0 };
  return rank[a] >= rank[b] ? a : b;
};

function level(value: number, t: { warn: number; fail: number }): Grade {
  return value >= t.fail ? 'FAIL' : value >= t.warn ? 'WARN' : 'PASS';
}

export function gradeNtp(node: string, s: NtpState, t: Thresholds): CheckResult {
  if (!s.synchronised || (s.stratum ?? 16) >= 16) return { grade: 'FAIL', check: 'NTP', node, evidence: `not synchronised: ${s.line}` };
  const grade: Grade = (s.stratum ?? 0) > t.ntpStratum.warnAbove ? 'WARN' : 'PASS';
  return { grade, check: 'NTP', node, evidence: `${s.line}${grade === 'WARN' ? ` (above stratum ${t.ntpStratum.warnAbove})` : ''}` };
}

export function gradeResources(node: string, f: StatusFacts, t: Thresholds): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.cpuIdlePct !== undefined) {
    const busy = Math.round((100 - f.cpuIdlePct) * 100) / 100;
    out.push({ grade: level(busy, t.cpuBusyPct), check: 'CPU', node, evidence: `${busy} % busy (CPU Idle: ${f.cpuIdlePct}%)` });
  }
  if (f.memory && f.memory.totalK > 0) {
    const pct = Math.round((f.memory.usedK / f.memory.totalK) * 1000) / 10;
    out.push({ grade: level(pct, t.memoryUsedPct), check: 'Memory', node, evidence: `${pct} % used (Used: ${f.memory.usedK}K of Total: ${f.memory.totalK}K)` });
  }
  if (f.disks.length) {
    let g: Grade = 'PASS';
    for (const d of f.disks) g = worst(g, level(d.usedPct, t.diskUsedPct));
    out.push({ grade: g, check: 'Disk', node, evidence: f.disks.map((d) => `${d.name} ${d.usedPct}%`).join(', ') });
  }
  return out;
}

export function gradeServices(node: string, rows: ServiceState[], source: string): CheckResult {
  const down = rows.filter((r) => r.activated && r.state !== 'started');
  const started = rows.filter((r) => r.state === 'started').length;
  const inactive = rows.filter((r) => !r.activated).length;
  if (down.length) return { grade: 'FAIL', check: 'Services', node, evidence: `activated but not started (${source}): ${down.map((r) => r.line).join('; ')}` };
  return { grade: 'PASS', check: 'Services', node, evidence: `${started} started, ${inactive} not activated (${source})` };
}

/** Replication as seen from the publisher: every node of the cluster in state 2. */
export function gradeReplication(rows: ReplicationRow[], clusterNodes: readonly string[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const name of clusterNodes) {
    const r = rows.find((x) => x.server.toLowerCase() === name.toLowerCase() || x.server.toLowerCase().startsWith(`${name.toLowerCase()}.`));
    if (!r) { out.push({ grade: 'FAIL', check: 'Replication', node: name, evidence: 'node missing from the publisher\'s replication table' }); continue; }
    const grade: Grade = r.state === 2 ? 'PASS' : r.state === 0 || r.state === 1 ? 'WARN' : 'FAIL';
    out.push({ grade, check: 'Replication', node: name, evidence: `state ${r.state < 0 ? '-' : r.state} (${r.details}); ${r.line.replace(/\s+/g, ' ')}` });
  }
  return out;
}

export function gradeCertificate(node: string, unit: string, notAfter: Date, line: string, now: Date, t: Thresholds): CheckResult {
  const days = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  const grade: Grade = days < t.certificate.failDays ? 'FAIL' : days < t.certificate.warnDays ? 'WARN' : 'PASS';
  const when = days < 0 ? `expired ${-days} days ago` : `expires in ${days} days`;
  return { grade, check: `Certificate ${unit}`, node, evidence: `${when} (${line})` };
}

export function gradeVersions(versions: ReadonlyMap<string, string>, cluster: string): CheckResult {
  const distinct = new Set(versions.values());
  const list = [...versions].map(([n, v]) => `${n} ${v}`).join(', ');
  if (versions.size === 0) return { grade: 'N/A', check: 'Version', node: cluster, evidence: 'no node reported its version' };
  return distinct.size === 1 ? { grade: 'PASS', check: 'Version', node: cluster, evidence: `all nodes on ${[...distinct][0]}: ${list}` }
    : { grade: 'WARN', check: 'Version', node: cluster, evidence: `nodes run different versions: ${list}` };
}

export interface DeviceLite { cmNode: string; status: string; model: string }

/** Registration per CM node from RIS (registered / unregistered / rejected, and by model). */
export function gradeRegistration(devices: readonly DeviceLite[], nodes: readonly string[], t: Thresholds): CheckResult[] {
  const out: CheckResult[] = [];
  for (const node of nodes) {
    const mine = devices.filter((d) => d.cmNode.toLowerCase() === node.toLowerCase() || d.cmNode.toLowerCase().startsWith(`${node.toLowerCase()}.`));
    const count = (s: string): number => mine.filter((d) => d.status === s).length;
    const reg = count('Registered');
    const bad = mine.filter((d) => d.status === 'UnRegistered' || d.status === 'Rejected');
    if (mine.length === 0) { out.push({ grade: 'INFO', check: 'Registration', node, evidence: 'no devices known to RIS on this node' }); continue; }
    const pct = Math.round((bad.length / mine.length) * 1000) / 10;
    const grade: Grade = bad.length === 0 ? 'PASS' : pct >= t.unregisteredPct.fail ? 'FAIL' : 'WARN';
    const byModel = new Map<string, number>();
    for (const d of bad) byModel.set(d.model, (byModel.get(d.model) ?? 0) + 1);
    const models = [...byModel].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([m, n]) => `${n} x ${m}`).join(', ');
    out.push({ grade, check: 'Registration', node, evidence: `${reg} registered, ${count('UnRegistered')} unregistered, ${count('Rejected')} rejected${bad.length ? ` (${pct} %; by model: ${models})` : ''}` });
  }
  return out;
}
