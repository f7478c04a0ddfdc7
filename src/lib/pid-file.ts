/** @module `<install>/aibridge.pid`: lets restore/rotate detect a running server. */
import { readFileSync, unlinkSync } from 'node:fs';
import { runningServePid } from './instance-lock.ts';
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

/**
 * The pid of a live `aibridge serve` for this install, or undefined. Decided by the serve lock
 * (instance-lock.ts: pid plus kernel start time), never by the pid file alone: a stale
 * aibridge.pid naming a reused pid must not make restore --replace signal an unrelated process.
 */
export function runningServerPid(root: string): number | undefined {
  return runningServePid(root);
}
