/**
 * @module One lock per install for the operations that must never overlap (backup, restore,
 * rotate, upgrade; T-BK-16): an owner-named lock file (lib/lock-file.ts) that also names the
 * operation. A lock whose owner is gone (kill -9) is taken over, so a crash never wedges the
 * install, and a reused pid never keeps a stale lock.
 */
import { join } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { isAlive, isSelf, takeLockFile } from '../../lib/lock-file.ts';
import type { HeldLock } from '../../lib/lock-file.ts';

export const OPS_LOCK_FILE = '.aibridge-ops.lock';

export type OpsLock = HeldLock;

/** Take the install's operations lock for `op`, or throw E_RUNNING naming the holder. */
export function acquireOpsLock(root: string, op: string): OpsLock {
  const path = join(root, OPS_LOCK_FILE);
  return takeLockFile(path, {
    fields: { op },
    holds: isAlive,
    refused: (owner) => {
      const running = typeof owner.op === 'string' ? owner.op : 'operation';
      return isSelf(owner)
        ? new AppError('E_RUNNING', `Cannot start ${op}: this process is already running a ${running}`, { hint: 'wait for it to finish' })
        : new AppError('E_RUNNING', `Cannot start ${op}: a ${running} is already running (pid ${owner.pid})`, { hint: 'wait for it to finish, then try again' });
    },
    contended: () => new AppError('E_RUNNING', `Cannot take the operations lock "${path}"`, { hint: 'another backup, restore or rotation keeps taking it; try again' }),
  });
}

/** Run `fn` holding the lock. */
export async function withOpsLock<T>(root: string, op: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireOpsLock(root, op);
  try { return await fn(); } finally { lock.release(); }
}
