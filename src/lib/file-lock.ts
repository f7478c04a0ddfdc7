/**
 * @module A cross-process lock file (O_EXCL create naming its owner). Used where two processes
 * may append to the same file, e.g. `aibridge serve` and `aibridge credentials` both auditing.
 * The owner is named by pid and kernel start time (`lib/process-identity.ts`), so a lock left by a
 * killed process is taken over even when its pid now belongs to another process; a stale lock is
 * removed only as `lib/stale-lock.ts` rules.
 * `FileLockLease` keeps the lock file between critical sections of a busy writer (the audit log's
 * group commits) instead of creating and unlinking it each time, and lets it go when idle, after a
 * bounded hold, or when another user in this process asks for the same lock.
 */
import { unlinkSync } from 'node:fs';
import { AppError } from './errors.ts';
import { ownerRecord } from './process-identity.ts';
import { breakStaleLock, createLockFile, isStaleShortLock, readLockFile, sleepSync } from './stale-lock.ts';

export { lockOwnerAlive } from './process-identity.ts';

/** Leases held by this process, by lock path: a synchronous user of the same path takes the lock over. */
const leases = new Map<string, FileLockLease>();

/** Take `lockPath` (waits up to `timeoutMs`); returns the function that releases it. */
export function acquireFileLockSync(lockPath: string, timeoutMs = 5000): () => void {
  leases.get(lockPath)?.release();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (createLockFile(lockPath, ownerRecord())) return () => { try { unlinkSync(lockPath); } catch { /* already gone */ } };
    const lock = readLockFile(lockPath);
    if (!lock) continue; // vanished: retry
    if (isStaleShortLock(lock) && breakStaleLock(lockPath, lock.record)) continue;
    if (Date.now() > deadline) {
      const owner = lock.record.split(' ')[0] || 'unknown';
      throw new AppError('E_AUDIT_WRITE', `Cannot lock "${lockPath}": held by process ${owner}`, { hint: 'wait for that process or remove the stale lock file' });
    }
    sleepSync(2);
  }
}

/** Run `fn` while holding `lockPath`; waits up to `timeoutMs`. */
export function withFileLockSync<T>(lockPath: string, fn: () => T, timeoutMs = 5000): T {
  const release = acquireFileLockSync(lockPath, timeoutMs);
  try { return fn(); } finally { release(); }
}

export interface FileLockLeaseOptions {
  /** Let the lock go after this long without a critical section (default 20 ms). */
  idleMs?: number;
  /** Held this long without a break, the lock is let go at the next critical section (default 200 ms)… */
  maxHoldMs?: number;
  /** …and for this long every critical section takes and drops it, so waiting processes get in (default 20 ms). */
  yieldMs?: number;
}

/**
 * The lock of `path`, kept from one critical section to the next while they keep coming. Another
 * process waiting for it (polling every 2 ms, for up to 5 s) gets it within about
 * `maxHoldMs + yieldMs`: after a hold of `maxHoldMs` the lease is dropped and, for `yieldMs`, each
 * critical section holds the lock only while it runs, as `withFileLockSync` does.
 */
export class FileLockLease {
  readonly path: string;
  #idleMs: number;
  #maxHoldMs: number;
  #yieldMs: number;
  #release: (() => void) | undefined;
  #since = 0;
  #lastUse = 0;
  #yieldUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, o: FileLockLeaseOptions = {}) {
    this.path = path;
    this.#idleMs = o.idleMs ?? 20;
    this.#maxHoldMs = o.maxHoldMs ?? 200;
    this.#yieldMs = o.yieldMs ?? 20;
  }

  get held(): boolean { return this.#release !== undefined; }

  /**
   * Run `fn` under the lock. `continued` is true when this lease has held the lock without a break
   * since its previous critical section, so no other writer can have touched what it guards.
   */
  run<T>(fn: (continued: boolean) => T): T {
    const now = Date.now();
    if (this.#release && now - this.#since >= this.#maxHoldMs) {
      this.release();
      this.#yieldUntil = now + this.#yieldMs;
    }
    if (!this.#release && now < this.#yieldUntil) return withFileLockSync(this.path, () => fn(false));
    let continued = true;
    if (!this.#release) {
      this.#release = acquireFileLockSync(this.path);
      leases.set(this.path, this);
      this.#since = now;
      continued = false;
    }
    this.#lastUse = now;
    this.#armIdle();
    return fn(continued);
  }

  #armIdle(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (Date.now() - this.#lastUse >= this.#idleMs) this.release(); else this.#armIdle();
    }, this.#idleMs);
    this.#timer.unref();
  }

  /** Let the lock go now (idle, shutdown, or another user of it in this process). */
  release(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    if (leases.get(this.path) === this) leases.delete(this.path);
    release();
  }
}
