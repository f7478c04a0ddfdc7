/**
 * @module `--faults SPEC`: comma-separated items that make the lab misbehave on purpose.
 *   latency:MS            extra delay before every HTTP answer and SSH command output
 *   SVC:500:P | SVC:503:P  with probability P (0..1) answer HTTP 500/503 (SVC: axl, ris, cupi, phone, all)
 *   axl:throttle[:P]      AXL answers the "Maximum AXL Memory Allocation Consumed" fault (axlcode -1)
 *   axl:concurrency:N     more than N AXL requests in flight get that fault (default 8)
 *   axl:maxbytes:N        AXL response size limit in bytes (default 8 MB, as CUCM)
 *   ris:rate:N            RisPort70 requests allowed per minute (default 15; 0 = no limit)
 *   auth:expired          every login is refused (HTTP 401, SSH authentication failure)
 *   ssh:drop:P            drop an SSH session right after login with probability P
 *   ssh:hostkey           SSH presents another host key than lab.json reports
 *   tls:untrusted         HTTPS certificates are signed by a CA that lab.json does not name
 *   phone:error:N[:P]     phones answer <CiscoIPPhoneError Number="N"/> (HTTP 200) with probability P (default 1)
 *   replication:bad       `utils dbreplication runtimestate`: the last subscriber of each cluster is in state 3
 *   ntp:unsynced          `utils ntp status`: ntpd runs but is not synchronised (stratum 16, reach 0)
 *   cert:expiring:NAME:DAYS  `show cert own NAME` expires DAYS days from now on every node (negative: expired)
 *   dime:slow             DIME GetOneFile answers start late and trickle (about 256 KiB/s)
 *   perfmon:rate:N        PerfmonService requests allowed per minute (default 80, as CUCM; 0 = no limit)
 *   service:stopped:NAME  the named service (e.g. Cisco Tftp) is stopped on every node from the start
 *   service:nostart:NAME  Start and Restart of the named service are accepted but it stays Stopped
 *                         (as a service with a broken configuration does)
 */
import { AppError } from '../lib/errors.ts';
import { Prng } from './prng.ts';

export type FaultService = 'axl' | 'ris' | 'cupi' | 'phone' | 'serviceability';

export interface FaultPlan {
  latencyMs: number;
  httpErrors: { service: FaultService | 'all'; status: 500 | 503; rate: number }[];
  axlThrottleRate: number;
  axlConcurrency: number;
  axlMaxBytes: number;
  risPerMinute: number;
  credentialsExpired: boolean;
  sshDropRate: number;
  sshHostKeyChanged: boolean;
  tlsUntrusted: boolean;
  /** CiscoIPPhoneError number phones answer with, and how often. */
  phoneError: { number: number; rate: number } | undefined;
  replicationBad: boolean;
  ntpUnsynced: boolean;
  /** Certificate unit name (as in `show cert list own`) → days from now to its expiry. */
  certExpiringDays: Record<string, number>;
  dimeSlow: boolean;
  perfmonPerMinute: number;
  stoppedServices: string[];
  /** Services that accept Start/Restart and stay Stopped. */
  noStartServices: string[];
}

export const FAULTS_HELP = [
  'Fault SPEC: comma-separated items',
  '  latency:MS             extra delay before every answer',
  '  SVC:500:P, SVC:503:P   answer HTTP 500/503 with probability P (SVC: axl|ris|cupi|phone|serviceability|all)',
  '  axl:throttle[:P]       AXL "Maximum AXL Memory Allocation Consumed" fault (axlcode -1)',
  '  axl:concurrency:N      more than N AXL requests in flight get that fault (default 8)',
  '  axl:maxbytes:N         AXL response size limit (default 8388608, as CUCM)',
  '  ris:rate:N             RisPort70 requests per minute (default 15; 0 = no limit)',
  '  auth:expired           every login refused (HTTP 401, SSH auth failure)',
  '  ssh:drop:P             drop SSH sessions after login with probability P',
  '  ssh:hostkey            SSH host key differs from the one in lab.json',
  '  tls:untrusted          HTTPS certificates not signed by the lab CA',
  '  phone:error:N[:P]      phones answer <CiscoIPPhoneError Number="N"/> (probability P, default 1)',
  '  replication:bad        one subscriber per cluster not in replication state 2',
  '  ntp:unsynced           utils ntp status reports unsynchronised',
  '  cert:expiring:NAME:D   certificate NAME (e.g. tomcat) expires in D days (negative: expired)',
  '  dime:slow              DIME GetOneFile answers start late and trickle (~256 KiB/s)',
  '  perfmon:rate:N         PerfmonService requests per minute (default 80; 0 = no limit)',
  '  service:stopped:NAME   service NAME (e.g. Cisco Tftp) stopped on every node from the start',
  '  service:nostart:NAME   Start/Restart of service NAME are accepted, but it stays Stopped',
  'Example: --faults axl:503:0.2,ris:rate:5,latency:150',
].join('\n');

function bad(item: string, why: string): AppError {
  return new AppError('E_USAGE', `Invalid --faults item "${item}": ${why}`, { hint: 'see aibridge lab --help for the fault syntax' });
}

function num(item: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || n < min || n > max) throw bad(item, `expected a number from ${min} to ${max}`);
  return n;
}

/** Parse a fault spec (empty → no faults, defaults as CUCM). */
export function parseFaults(spec: string | undefined, latencyMs = 0): FaultPlan {
  const plan: FaultPlan = {
    latencyMs, httpErrors: [], axlThrottleRate: 0, axlConcurrency: 8, axlMaxBytes: 8 * 1024 * 1024, risPerMinute: 15,
    credentialsExpired: false, sshDropRate: 0, sshHostKeyChanged: false, tlsUntrusted: false, phoneError: undefined,
    replicationBad: false, ntpUnsynced: false, certExpiringDays: {}, dimeSlow: false, perfmonPerMinute: 80, stoppedServices: [], noStartServices: [],
  };
  for (const item of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [a, b, c, ...rest] = item.split(':');
    if (rest.length > ((a === 'phone' && b === 'error') || a === 'cert' ? 1 : 0)) throw bad(item, 'too many fields');
    if (a === 'latency') plan.latencyMs += num(item, b, 0, 60_000);
    else if ((a === 'axl' || a === 'ris' || a === 'cupi' || a === 'phone' || a === 'serviceability' || a === 'all') && (b === '500' || b === '503')) plan.httpErrors.push({ service: a, status: Number(b) as 500 | 503, rate: num(item, c, 0, 1) });
    else if (a === 'axl' && b === 'throttle') plan.axlThrottleRate = c === undefined ? 1 : num(item, c, 0, 1);
    else if (a === 'axl' && b === 'concurrency') plan.axlConcurrency = num(item, c, 1, 10_000);
    else if (a === 'axl' && b === 'maxbytes') plan.axlMaxBytes = num(item, c, 1, 2 ** 31);
    else if (a === 'ris' && b === 'rate') plan.risPerMinute = num(item, c, 0, 1_000_000);
    else if (a === 'auth' && b === 'expired' && c === undefined) plan.credentialsExpired = true;
    else if (a === 'ssh' && b === 'drop') plan.sshDropRate = num(item, c, 0, 1);
    else if (a === 'ssh' && b === 'hostkey' && c === undefined) plan.sshHostKeyChanged = true;
    else if (a === 'tls' && b === 'untrusted' && c === undefined) plan.tlsUntrusted = true;
    else if (a === 'phone' && b === 'error') plan.phoneError = { number: num(item, c, 0, 999), rate: rest[0] === undefined ? 1 : num(item, rest[0], 0, 1) };
    else if (a === 'replication' && b === 'bad' && c === undefined) plan.replicationBad = true;
    else if (a === 'ntp' && b === 'unsynced' && c === undefined) plan.ntpUnsynced = true;
    else if (a === 'cert' && b === 'expiring' && c !== undefined && /^[A-Za-z][\w.-]{0,63}$/.test(c) && rest.length === 1) plan.certExpiringDays[c] = num(item, rest[0], -3650, 3650);
    else if (a === 'dime' && b === 'slow' && c === undefined) plan.dimeSlow = true;
    else if (a === 'perfmon' && b === 'rate') plan.perfmonPerMinute = num(item, c, 0, 1_000_000);
    else if (a === 'service' && b === 'stopped' && c !== undefined && /^[A-Za-z0-9 ._-]{1,80}$/.test(c)) plan.stoppedServices.push(c.trim());
    else if (a === 'service' && b === 'nostart' && c !== undefined && /^[A-Za-z0-9 ._-]{1,80}$/.test(c)) plan.noStartServices.push(c.trim());
    else throw bad(item, 'unknown fault');
  }
  return plan;
}

/** Decides, per request, whether a probabilistic fault fires (seeded, so runs repeat). */
export class FaultDice {
  readonly plan: FaultPlan;
  #rng: Prng;
  readonly #served = new Map<string, number>();

  constructor(plan: FaultPlan, seed: number) {
    this.plan = plan;
    this.#rng = new Prng(seed ^ 0x5eed);
  }

  /** HTTP status to fail this request with, if any. */
  httpError(service: FaultService): 500 | 503 | undefined {
    for (const e of this.plan.httpErrors) if ((e.service === service || e.service === 'all') && this.#rng.next() < e.rate) return e.status;
    return undefined;
  }

  roll(rate: number): boolean {
    return rate > 0 && this.#rng.next() < rate;
  }

  /** Note that a fault was answered (tests count retries by it, instead of timing them). */
  served(fault: 'axl:memory'): void {
    this.#served.set(fault, (this.#served.get(fault) ?? 0) + 1);
  }

  /** How many times this fault was answered so far. */
  servedCount(fault: 'axl:memory'): number {
    return this.#served.get(fault) ?? 0;
  }

  async delay(): Promise<void> {
    if (this.plan.latencyMs > 0) await new Promise((r) => setTimeout(r, this.plan.latencyMs));
  }
}
