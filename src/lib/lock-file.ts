/**
 * @module A lock held as an O_EXCL file that names its owner process by pid and kernel start time
 * (field 22 of /proc/<pid>/stat). Node has no flock(2) without a native addon, so liveness is
 * proven by that (pid, start time) pair: a reused pid has another start time, so a lock left by a
 * killed process (kill -9) is taken over, and a stale file can never make aibridge believe — or
 * signal — an unrelated process. Used by the serve lock (lib/instance-lock.ts) and the operations
 * lock (ops/common/ops-lock.ts).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { AppError } from './errors.ts';

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

export function isAlive(o: LockOwner): boolean {
  return processStartTime(o.pid) === o.start;
}

export function isSelf(o: LockOwner): boolean {
  return o.pid === process.pid && o.start === (processStartTime(process.pid) ?? '0');
}

/** The owner record in `path` (with the holder's own fields), or undefined when absent or damaged. */
export function readLockOwner(path: string): (LockOwner & Record<string, unknown>) | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner> & Record<string, unknown>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.start === 'string') return v as LockOwner & Record<string, unknown>;
  } catch { /* absent or damaged: nobody holds it */ }
  return undefined;
}

export interface HeldLock { release(): void }

export interface TakeLockOptions {
  /** Fields stored beside pid and start (what the lock is for, the install root…). */
  fields: Record<string, string>;
  /** Whether `owner` (read from the file) still holds the lock; a lock it does not hold is taken over. */
  holds(owner: LockOwner & Record<string, unknown>): boolean;
  /** The error for a lock held by `owner`. */
  refused(owner: LockOwner & Record<string, unknown>): AppError;
  /** The error when the lock keeps being re-taken by others. */
  contended(): AppError;
}

/** Take the lock at `path`, or throw `refused(owner)` while a live owner holds it. */
export function takeLockFile(path: string, o: TakeLockOptions): HeldLock {
  const me: LockOwner = { pid: process.pid, start: processStartTime(process.pid) ?? '0' };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try { writeSync(fd, `${JSON.stringify({ ...me, ...o.fields })}\n`); } finally { closeSync(fd); }
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          const owner = readLockOwner(path);
          if (owner?.pid === me.pid && owner.start === me.start) try { unlinkSync(path); } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readLockOwner(path);
      if (owner && o.holds(owner)) throw o.refused(owner);
      try { unlinkSync(path); } catch { /* someone else cleared it */ }
    }
  }
  throw o.contended();
}
