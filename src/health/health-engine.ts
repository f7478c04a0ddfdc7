/**
 * @module The cluster health check: every node of a cluster in parallel (at most `concurrency`
 * at once), each step under its own timeout, results graded with evidence. A node that does not
 * answer is FAIL for each of its checks with the error, without waiting on it again; the other
 * nodes' checks still come. Cisco access goes through `HealthProbes`, so the engine has no I/O of
 * its own and the tool decides RBAC, credentials and transport.
 */
import type { CiscoProduct } from '../cisco/cisco-node.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Thresholds } from './thresholds.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { CheckName, CheckResult, DeviceLite } from './grade-checks.ts';
import { CHECK_NAMES, gradeCertificate, gradeNtp, gradeRegistration, gradeReplication, gradeResources, gradeServices, gradeVersions } from './grade-checks.ts';
import type { ServiceState } from './cli-parsers.ts';
import { parseCertExpiry, parseCertList, parseNtp, parseReplication, parseServiceList, parseShowStatus } from './cli-parsers.ts';

export interface HealthNode { name: string; product: CiscoProduct; role: 'publisher' | 'subscriber' }

export interface CliAnswer { ok: boolean; output: string }

export interface HealthProbes {
  /** One admin CLI command; throws only when the node does not answer (transport, login, timeout). */
  cli(node: HealthNode, command: string, signal: AbortSignal): Promise<CliAnswer>;
  /** May this caller run that command (RBAC)? Denied steps are graded N/A. */
  cliAllowed(command: string): boolean;
  /** RIS devices of the cluster (CUCM) and the RIS requests it took; absent: registration is N/A. */
  registration?(signal: AbortSignal): Promise<{ devices: DeviceLite[]; requests: number }>;
  /** Service states from Control Center when the serviceability tools exist (else `utils service list`). */
  services?(node: HealthNode, signal: AbortSignal): Promise<ServiceState[]>;
}

export interface HealthOptions {
  product: CiscoProduct;
  cluster: string;
  nodes: readonly HealthNode[];
  checks?: readonly CheckName[];
  probes: HealthProbes;
  concurrency?: number;
  stepTimeoutMs: number;
  thresholds?: Thresholds;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface HealthOutcome { checks: CheckResult[]; requests: number; durationMs: number; versions: Record<string, string> }

const CHECKS_FOR: Record<CiscoProduct, readonly CheckName[]> = {
  cucm: CHECK_NAMES,
  imp: ['services', 'replication', 'ntp', 'resources', 'certificates', 'version'],
  cuc: ['services', 'ntp', 'resources', 'certificates', 'version'],
};

/** Checks that apply to a product (others are reported N/A once). */
export function checksFor(product: CiscoProduct): readonly CheckName[] {
  return CHECKS_FOR[product];
}

const CHECK_LABELS: Record<CheckName, string> = { registration: 'Registration', services: 'Services', replication: 'Replication', ntp: 'NTP', resources: 'Resources', certificates: 'Certificates', version: 'Version' };

class StepTimeout extends Error {}

function withTimeout<T>(p: (signal: AbortSignal) => Promise<T>, ms: number, what: string, outer?: AbortSignal): Promise<T> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => { timer = setTimeout(() => { ac.abort(); reject(new StepTimeout(`no answer to "${what}" within ${Math.round(ms / 1000)} s`)); }, ms); });
  return Promise.race([p(ac.signal), timeout]).finally(() => { clearTimeout(timer); outer?.removeEventListener('abort', onAbort); });
}

/** Run `fn` over `items` with at most `limit` at once, keeping order. */
async function boundedMap<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) { const i = next++; out[i] = await fn(items[i] as T); } };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export async function runHealthCheck(o: HealthOptions): Promise<HealthOutcome> {
  const started = Date.now();
  const t = o.thresholds ?? THRESHOLDS;
  const now = o.now ?? (() => new Date());
  const applicable = new Set(checksFor(o.product));
  const wanted = (o.checks?.length ? o.checks : CHECK_NAMES).filter((c, i, a) => a.indexOf(c) === i);
  const results: CheckResult[] = [];
  for (const c of wanted) if (!applicable.has(c)) results.push({ grade: 'N/A', check: CHECK_LABELS[c], node: o.cluster, evidence: `not applicable to ${o.product.toUpperCase()}` });
  const run = new Set(wanted.filter((c) => applicable.has(c)));
  let requests = 0;
  const versions = new Map<string, string>();

  const nodeTask = async (node: HealthNode): Promise<CheckResult[]> => {
    const out: CheckResult[] = [];
    let down: string | undefined;
    const cli = async (command: string): Promise<CliAnswer | string> => {
      if (!o.probes.cliAllowed(command)) return `your profile does not allow "${command}"`;
      if (down) throw new Error(down);
      requests++;
      try {
        return await withTimeout((s) => o.probes.cli(node, command, s), o.stepTimeoutMs, command, o.signal);
      } catch (err) {
        down = `node did not answer: ${errorMessage(err).slice(0, 300)}`;
        throw new Error(down);
      }
    };
    const step = async (check: string, command: string, grade: (a: CliAnswer) => CheckResult[]): Promise<void> => {
      try {
        const a = await cli(command);
        if (typeof a === 'string') { out.push({ grade: 'N/A', check, node: node.name, evidence: a }); return; }
        if (!a.ok) { out.push({ grade: 'WARN', check, node: node.name, evidence: `"${command}" failed: ${a.output.trim().split('\n').slice(-2).join(' ').slice(0, 300)}` }); return; }
        out.push(...grade(a));
      } catch (err) {
        out.push({ grade: 'FAIL', check, node: node.name, evidence: errorMessage(err) });
      }
    };
    const unrecognised = (check: string, command: string): CheckResult => ({ grade: 'WARN', check, node: node.name, evidence: `output of "${command}" not recognised` });

    if (run.has('resources') || run.has('version')) {
      await step('Resources', 'show status', (a) => {
        const f = parseShowStatus(a.output);
        if (!f) return [unrecognised('Resources', 'show status')];
        if (f.version) versions.set(node.name, f.version);
        return run.has('resources') ? gradeResources(node.name, f, t) : [];
      });
    }
    if (run.has('ntp')) await step('NTP', 'utils ntp status', (a) => { const s = parseNtp(a.output); return [s ? gradeNtp(node.name, s, t) : unrecognised('NTP', 'utils ntp status')]; });
    if (run.has('services')) {
      if (o.probes.services && !down) {
        try {
          requests++;
          const rows = await withTimeout((s) => o.probes.services!(node, s), o.stepTimeoutMs, 'Control Center service status', o.signal);
          out.push(gradeServices(node.name, rows, 'Control Center'));
        } catch (err) {
          out.push({ grade: 'FAIL', check: 'Services', node: node.name, evidence: `Control Center did not answer: ${errorMessage(err).slice(0, 300)}` });
        }
      } else {
        await step('Services', 'utils service list', (a) => { const rows = parseServiceList(a.output); return [rows ? gradeServices(node.name, rows, 'utils service list') : unrecognised('Services', 'utils service list')]; });
      }
    }
    if (run.has('replication') && node.role === 'publisher') {
      await step('Replication', 'utils dbreplication runtimestate', (a) => {
        const rows = parseReplication(a.output);
        return rows ? gradeReplication(rows, o.nodes.map((n) => n.name)) : [unrecognised('Replication', 'utils dbreplication runtimestate')];
      });
    }
    if (run.has('certificates')) {
      let units: string[] = [];
      await step('Certificates', 'show cert list own', (a) => { units = parseCertList(a.output) ?? []; return units.length ? [] : [unrecognised('Certificates', 'show cert list own')]; });
      for (const unit of units) {
        await step(`Certificate ${unit}`, `show cert own ${unit}`, (a) => {
          const e = parseCertExpiry(a.output);
          return [e ? gradeCertificate(node.name, unit, e.notAfter, e.line, now(), t) : unrecognised(`Certificate ${unit}`, `show cert own ${unit}`)];
        });
      }
    }
    return out;
  };

  const registration = async (): Promise<CheckResult[]> => {
    if (!run.has('registration')) return [];
    if (!o.probes.registration) return [{ grade: 'N/A', check: 'Registration', node: o.cluster, evidence: 'your profile does not allow RIS device queries' }];
    try {
      const r = await withTimeout((s) => o.probes.registration!(s), o.stepTimeoutMs * 4, 'RIS selectCmDevice', o.signal);
      requests += r.requests;
      return gradeRegistration(r.devices, o.nodes.map((n) => n.name), t);
    } catch (err) {
      requests++;
      return [{ grade: 'FAIL', check: 'Registration', node: o.cluster, evidence: `RIS did not answer: ${errorMessage(err).slice(0, 300)}` }];
    }
  };

  const [perNode, reg] = await Promise.all([boundedMap(o.nodes, o.concurrency ?? 4, nodeTask), registration()]);
  results.push(...reg);
  for (const r of perNode) results.push(...r);
  if (run.has('version')) results.push(gradeVersions(new Map(o.nodes.filter((n) => versions.has(n.name)).map((n) => [n.name, versions.get(n.name)!])), o.cluster));
  const order = (r: CheckResult): number => { const i = ['Registration', 'Replication', 'Services', 'NTP', 'CPU', 'Memory', 'Disk', 'Resources', 'Certificate', 'Version'].findIndex((p) => r.check.startsWith(p)); return i < 0 ? 99 : i; };
  const nodeIdx = (r: CheckResult): number => { const i = o.nodes.findIndex((n) => n.name === r.node); return i < 0 ? -1 : i; };
  results.sort((a, b) => order(a) - order(b) || nodeIdx(a) - nodeIdx(b) || a.check.localeCompare(b.check));
  return { checks: results, requests, durationMs: Date.now() - started, versions: Object.fromEntries(versions) };
}
