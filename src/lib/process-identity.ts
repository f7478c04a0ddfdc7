/**
 * @module Which process owns a lock: a pid and the kernel start time of that pid (field 22 of
 * /proc/<pid>/stat). A reused pid has another start time, so an owner named this way is alive only
 * while that very process runs; a stale lock file can never make aibridge believe, or signal, an
 * unrelated process that got the pid later (in a container a restarted serve usually does).
 */
import { readFileSync } from 'node:fs';

/** A process, told apart from a later one that reuses its pid. */
export interface LockOwner { pid: number; start: string }

/** Kernel start time of `pid` (clock ticks since boot), or undefined when it is not running. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // exited, not reaped yet
    return fields[19];
  } catch { return undefined; }
}

let self: LockOwner | undefined;
/** This process as a lock owner. */
export function selfOwner(): LockOwner {
  self ??= { pid: process.pid, start: processStartTime(process.pid) ?? '0' };
  return self;
}

export function isAlive(o: LockOwner): boolean {
  return processStartTime(o.pid) === o.start;
}

export function isSelf(o: LockOwner): boolean {
  const me = selfOwner();
  return o.pid === me.pid && o.start === me.start;
}

/** The short owner record (`pid start-time`) of the critical-section locks and of breakers. */
export function ownerRecord(): string {
  const me = selfOwner();
  return `${me.pid} ${me.start}`;
}

/**
 * Whether the owner named by a short `record` still runs: `pid start` is alive only while that pid
 * has that start time; a bare `pid` (written by an older version) while the pid exists.
 * undefined: no owner can be read (empty or damaged file).
 */
export function lockOwnerAlive(record: string): boolean | undefined {
  // Two expressions instead of one optional group: no nested quantifier (security/detect-unsafe-regex).
  const m = /^([1-9][0-9]{0,9}) ([0-9]{1,20})\n?$/.exec(record) ?? /^([1-9][0-9]{0,9})\n?$/.exec(record);
  if (!m) return undefined;
  const pid = Number(m[1]);
  if (m[2] !== undefined) return processStartTime(pid) === m[2];
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}
