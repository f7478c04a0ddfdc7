/** @module Stop a running `aibridge serve` (SIGTERM) and wait until its process is gone. */
import { readFileSync } from 'node:fs';
import { AppError } from '../../lib/errors.ts';
import { signalServe } from '../../lib/instance-lock.ts';

/** A zombie (exited, not yet reaped by its parent) counts as stopped: it holds no files. */
function isZombie(pid: number): boolean {
  try { return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
  return !isZombie(pid);
}

/** SIGTERM the serve process `pid` of `root`, only after re-checking it holds that folder's serve lock. */
export async function stopServer(pid: number, timeoutMs = 30_000, root?: string): Promise<void> {
  try {
    if (root !== undefined) { if (!signalServe(root, pid, 'SIGTERM')) return; } else process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw new AppError('E_RUNNING', `Cannot stop the server (pid ${pid}): ${(err as Error).message}`, { hint: 'stop it yourself (same user), then run the command again' });
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new AppError('E_RUNNING', `The server (pid ${pid}) did not stop within ${timeoutMs / 1000} s of SIGTERM`, { hint: 'stop it yourself, then run the command again; nothing was replaced' });
    await new Promise((r) => setTimeout(r, 200));
  }
}
