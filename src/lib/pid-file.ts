/** @module `<install>/aibridge.pid`: lets restore/rotate detect a running server. */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './atomic-write.ts';

export function pidFilePath(root: string): string {
  return join(root, 'aibridge.pid');
}

export function writePidFile(root: string): void {
  writeFileAtomicSync(pidFilePath(root), `${process.pid}\n`, { mode: 0o644 });
}

export function removePidFile(root: string): void {
  try { if (readFileSync(pidFilePath(root), 'utf8').trim() === String(process.pid)) unlinkSync(pidFilePath(root)); } catch { /* gone */ }
}

/** The pid of a live `aibridge serve` for this install, or undefined. */
export function runningServerPid(root: string): number | undefined {
  const path = pidFilePath(root);
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (isZombie(pid)) return undefined;
  try { process.kill(pid, 0); return pid; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined; }
}

/** A process that exited but was not reaped yet still answers kill(0); /proc says it is a zombie. */
function isZombie(pid: number): boolean {
  try { return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}
