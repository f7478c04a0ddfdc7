/**
 * @module Creating a lock file and taking over one whose owner is gone: the rules both lock kinds
 * (lib/lock-file.ts for long-held locks, lib/file-lock.ts for critical sections) follow, so that
 * two processes can never both believe they hold one lock.
 *   - A lock is created with O_EXCL and names its owner in the same step; a file without a
 *     readable owner is stale only after UNNAMED_STALE_MS (its creator may be between the create
 *     and the write, or died there).
 *   - A stale lock is removed only under a short-lived breaker (`<path>.break`), after checking
 *     that the file still holds the stale record: two processes taking over at once cannot delete
 *     a lock the other has just taken.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { lockOwnerAlive, ownerRecord } from './process-identity.ts';

const EXCL = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** A lock (or breaker) file without a readable owner is stale after this long. */
export const UNNAMED_STALE_MS = 2000;

/** Create `path` holding `record` (mode 0600); false when it exists. */
export function createLockFile(path: string, record: string): boolean {
  try {
    const fd = openSync(path, EXCL, 0o600);
    try { writeSync(fd, record); } finally { closeSync(fd); }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export interface LockFileState { record: string; ageMs: number }

/** The lock file's owner record and age, or undefined when it is gone. */
export function readLockFile(path: string): LockFileState | undefined {
  try { return { record: readFileSync(path, 'utf8'), ageMs: Date.now() - statSync(path).mtimeMs }; } catch { return undefined; }
}

/** Whether a lock (or breaker) holding a short `pid start` record is stale. */
export function isStaleShortLock(lock: LockFileState): boolean {
  const alive = lockOwnerAlive(lock.record);
  return alive === undefined ? lock.ageMs > UNNAMED_STALE_MS : !alive;
}

/**
 * Remove the stale lock whose owner record is `record`, unless someone replaced it meanwhile.
 * Returns true when the caller should try to create the lock again now, false while another
 * process is breaking it (wait, then look again).
 */
export function breakStaleLock(path: string, record: string): boolean {
  const breaker = `${path}.break`;
  if (!createLockFile(breaker, ownerRecord())) {
    const b = readLockFile(breaker);
    if (!b) return true; // the other breaker just finished: retry now
    if (isStaleShortLock(b)) { try { unlinkSync(breaker); } catch { /* another process cleared it */ } return true; }
    return false;
  }
  try {
    if (readLockFile(path)?.record === record) try { unlinkSync(path); } catch { /* already gone */ }
  } finally {
    try { unlinkSync(breaker); } catch { /* already gone */ }
  }
  return true;
}

/** Block this thread for `ms` (lock polling; the locks guard synchronous critical sections). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
