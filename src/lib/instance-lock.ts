/**
 * @module One `aibridge serve` per install folder (issue #12 item 15). `serve` holds
 * `<install>/.aibridge-serve.lock` for its lifetime, an owner-named lock file (lib/lock-file.ts)
 * that also names the install root. Rules:
 *   - a second `serve` on the same folder refuses to start (E_RUNNING) and touches nothing;
 *   - `runningServePid` (used by rotate, upgrade, restore --replace, show-tech) answers only for a
 *     live process that holds the lock for this folder;
 *   - `signalServe` re-checks that identity immediately before sending a signal.
 */
import { join, resolve } from 'node:path';
import { AppError } from './errors.ts';
import { isAlive, readLockOwner, takeLockFile } from './lock-file.ts';
import type { HeldLock, LockOwner } from './lock-file.ts';

export { processStartTime } from './lock-file.ts';

export const SERVE_LOCK_FILE = '.aibridge-serve.lock';

function lockPath(root: string): string {
  return join(resolve(root), SERVE_LOCK_FILE);
}

const holdsFor = (root: string) => (o: LockOwner & Record<string, unknown>): boolean => o.root === resolve(root) && isAlive(o);

/** The owner when it is a live process holding the lock for this folder. */
function liveOwner(root: string): LockOwner | undefined {
  const o = readLockOwner(lockPath(root));
  return o && holdsFor(root)(o) ? o : undefined;
}

export type ServeLock = HeldLock;

/** Take the serve lock for `root`, or throw E_RUNNING naming the running server. */
export function acquireServeLock(root: string): ServeLock {
  const path = lockPath(root);
  return takeLockFile(path, {
    fields: { root: resolve(root) },
    holds: holdsFor(root),
    refused: (o) => new AppError('E_RUNNING', `Another "aibridge serve" (pid ${o.pid}) is already running on ${resolve(root)}`, {
      hint: 'stop it first (systemctl stop aibridge, or kill -TERM that pid); two servers on one folder would corrupt its state',
    }),
    contended: () => new AppError('E_RUNNING', `Cannot take the serve lock "${path}"`, { hint: 'another aibridge serve keeps starting on this folder; try again' }),
  });
}

/** The pid of the live `aibridge serve` of this folder, or undefined. */
export function runningServePid(root: string): number | undefined {
  return liveOwner(root)?.pid;
}

/**
 * Send `signal` to the serve process `pid` only if it still is the live lock holder of `root`.
 * Returns false (nothing sent) when it is not.
 */
export function signalServe(root: string, pid: number, signal: NodeJS.Signals): boolean {
  const o = liveOwner(root);
  if (!o || o.pid !== pid) return false;
  process.kill(pid, signal);
  return true;
}
