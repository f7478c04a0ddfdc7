/**
 * @module One lock per install for the operations that must never overlap (backup, restore,
 * rotate, upgrade; T-BK-16). An O_EXCL file holding the owner's pid; a lock whose owner is gone
 * (kill -9) is taken over, so a crash never wedges the install.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../lib/errors.ts';

export const OPS_LOCK_FILE = '.aibridge-ops.lock';

export interface OpsLock { release(): void }

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readOwner(path: string): { pid: number; op: string } | undefined {
  try {
    const [pid, op] = readFileSync(path, 'utf8').trim().split(' ');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, op: op ?? 'operation' } : undefined;
  } catch { return undefined; }
}

/** Take the install's operations lock for `op`, or throw E_RUNNING naming the holder. */
export function acquireOpsLock(root: string, op: string): OpsLock {
  const path = join(root, OPS_LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try { writeSync(fd, `${process.pid} ${op}\n`); } finally { closeSync(fd); }
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          const owner = readOwner(path);
          if (owner?.pid === process.pid) try { unlinkSync(path); } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(path);
      if (owner && isAlive(owner.pid) && owner.pid !== process.pid) {
        throw new AppError('E_RUNNING', `Cannot start ${op}: a ${owner.op} is already running (pid ${owner.pid})`, { hint: 'wait for it to finish, then try again' });
      }
      if (owner?.pid === process.pid) {
        throw new AppError('E_RUNNING', `Cannot start ${op}: this process is already running a ${owner.op}`, { hint: 'wait for it to finish' });
      }
      try { unlinkSync(path); } catch { /* another process took it over */ }
    }
  }
  throw new AppError('E_RUNNING', `Cannot take the operations lock "${path}"`, { hint: 'another backup, restore or rotation keeps taking it; try again' });
}

/** Run `fn` holding the lock. */
export async function withOpsLock<T>(root: string, op: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireOpsLock(root, op);
  try { return await fn(); } finally { lock.release(); }
}
