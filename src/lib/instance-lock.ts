/**
 * @module One `aibridge serve` per install folder (issue #12 item 15). `serve` holds
 * `<install>/.aibridge-serve.lock` for its lifetime; the file names its pid, its kernel start time
 * (field 22 of /proc/<pid>/stat) and the install root. Node has no flock(2) without a native
 * addon, so the lock is an O_EXCL file whose owner is proven alive by that (pid, start time) pair:
 * a reused pid has another start time, so a stale lock or pid file can never make aibridge
 * believe — or signal — an unrelated process. Rules:
 *   - a second `serve` on the same folder refuses to start (E_RUNNING) and touches nothing;
 *   - `runningServePid` (used by rotate, upgrade, restore --replace, show-tech) answers only for a
 *     live process that holds the lock for this folder;
 *   - `signalServe` re-checks that identity immediately before sending a signal.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from './errors.ts';

export const SERVE_LOCK_FILE = '.aibridge-serve.lock';

interface LockOwner { pid: number; start: string; root: string }

/** Kernel start time of `pid` (clock ticks since boot), or undefined when it is not running. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // exited, not reaped yet
    return fields[19];
  } catch { return undefined; }
}

function lockPath(root: string): string {
  return join(resolve(root), SERVE_LOCK_FILE);
}

function readOwner(root: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(lockPath(root), 'utf8')) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.start === 'string' && typeof v.root === 'string') return v as LockOwner;
  } catch { /* absent or damaged: nobody holds it */ }
  return undefined;
}

/** The owner when it is a live process holding the lock for this folder. */
function liveOwner(root: string): LockOwner | undefined {
  const o = readOwner(root);
  if (!o || o.root !== resolve(root)) return undefined;
  return processStartTime(o.pid) === o.start ? o : undefined;
}

export interface ServeLock { release(): void }

/** Take the serve lock for `root`, or throw E_RUNNING naming the running server. */
export function acquireServeLock(root: string): ServeLock {
  const path = lockPath(root);
  const me: LockOwner = { pid: process.pid, start: processStartTime(process.pid) ?? '0', root: resolve(root) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try { writeSync(fd, `${JSON.stringify(me)}\n`); } finally { closeSync(fd); }
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          const o = readOwner(root);
          if (o?.pid === me.pid && o.start === me.start) try { unlinkSync(path); } catch { /* already gone */ }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const o = liveOwner(root);
      if (o) {
        throw new AppError('E_RUNNING', `Another "aibridge serve" (pid ${o.pid}) is already running on ${me.root}`, {
          hint: 'stop it first (systemctl stop aibridge, or kill -TERM that pid); two servers on one folder would corrupt its state',
        });
      }
      try { unlinkSync(path); } catch { /* someone else cleared it */ }
    }
  }
  throw new AppError('E_RUNNING', `Cannot take the serve lock "${path}"`, { hint: 'another aibridge serve keeps starting on this folder; try again' });
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
