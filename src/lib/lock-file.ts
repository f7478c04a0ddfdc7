/**
 * @module A long-held lock: an O_EXCL file that names its owner process (lib/process-identity.ts)
 * and what it holds the lock for, as JSON. Node has no flock(2) without a native addon, so
 * liveness is proven by the owner's (pid, start time): a lock left by a killed process (kill -9)
 * is taken over, as lib/stale-lock.ts rules (under a breaker, compare-then-remove, an empty file
 * stale only after a grace period), so two processes taking over at once never both hold it.
 * Used by the serve lock (lib/instance-lock.ts) and the operations lock (ops/common/ops-lock.ts).
 */
import { readFileSync, unlinkSync } from 'node:fs';
import type { AppError } from './errors.ts';
import { selfOwner } from './process-identity.ts';
import type { LockOwner } from './process-identity.ts';
import { breakStaleLock, createLockFile, readLockFile, sleepSync, UNNAMED_STALE_MS } from './stale-lock.ts';

export { isAlive, isSelf, processStartTime } from './process-identity.ts';
export type { LockOwner } from './process-identity.ts';

type NamedOwner = LockOwner & Record<string, unknown>;

function parseOwner(record: string): NamedOwner | undefined {
  try {
    const v = JSON.parse(record) as Partial<LockOwner> & Record<string, unknown>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.start === 'string') return v as NamedOwner;
  } catch { /* damaged: nobody holds it */ }
  return undefined;
}

/** The owner record in `path` (with the holder's own fields), or undefined when absent or damaged. */
export function readLockOwner(path: string): NamedOwner | undefined {
  try { return parseOwner(readFileSync(path, 'utf8')); } catch { return undefined; }
}

export interface HeldLock { release(): void }

export interface TakeLockOptions {
  /** Fields stored beside pid and start (what the lock is for, the install root…). */
  fields: Record<string, string>;
  /** Whether `owner` (read from the file) still holds the lock; a lock it does not hold is taken over. */
  holds(owner: NamedOwner): boolean;
  /** The error for a lock held by `owner`. */
  refused(owner: NamedOwner): AppError;
  /** The error when the lock keeps being re-taken by others. */
  contended(): AppError;
}

/** How long a take-over waits for another process's creation or breaking of the lock. */
const TAKE_OVER_WAIT_MS = UNNAMED_STALE_MS + 1000;

/** Take the lock at `path`, or throw `refused(owner)` while a live owner holds it. */
export function takeLockFile(path: string, o: TakeLockOptions): HeldLock {
  const me = selfOwner();
  const deadline = Date.now() + TAKE_OVER_WAIT_MS;
  for (;;) {
    if (createLockFile(path, `${JSON.stringify({ ...me, ...o.fields })}\n`)) {
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          const owner = readLockOwner(path);
          if (owner?.pid === me.pid && owner.start === me.start) try { unlinkSync(path); } catch { /* already gone */ }
        },
      };
    }
    const lock = readLockFile(path);
    if (!lock) { if (Date.now() > deadline) throw o.contended(); continue; } // vanished: try again
    const owner = parseOwner(lock.record);
    if (owner && o.holds(owner)) throw o.refused(owner);
    // An empty file may be one another process has just created and not yet named; any other
    // record without a live holder (a dead owner, an older version's format, damage) is stale.
    const stale = lock.record.length > 0 || lock.ageMs > UNNAMED_STALE_MS;
    if (stale && breakStaleLock(path, lock.record)) continue;
    if (Date.now() > deadline) throw o.contended();
    sleepSync(2);
  }
}
