/**
 * @module Size-based rotation into gzip archives: `name` → `name.1.gz`, older ones shift up,
 * at most `keep` archives stay. Each archive is written atomically; a crash mid-rotation leaves
 * `name.rotating`, which the next rotation finishes first.
 */
import { existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { writeFileAtomicSync } from './atomic-write.ts';

/** Archive path for generation `n` (1 = newest). */
export function archivePath(path: string, n: number): string {
  return `${path}.${n}.gz`;
}

/** Highest archive generation present beside `path` (0 when none). */
export function highestGeneration(path: string): number {
  let n = 0;
  while (existsSync(archivePath(path, n + 1))) n++;
  return n;
}

/**
 * Rotate `path` now. The caller holds any lock that guards appends to it. `keep` = Infinity keeps
 * every archive (the audit log: its archives have their own, signed retention).
 */
export function rotateFile(path: string, keep: number, mode = 0o600): void {
  const rotating = `${path}.rotating`;
  if (!existsSync(rotating)) {
    if (!existsSync(path)) return;
    renameSync(path, rotating);
  }
  if (!Number.isFinite(keep)) {
    for (let n = highestGeneration(path); n >= 1; n--) renameSync(archivePath(path, n), archivePath(path, n + 1));
    writeFileAtomicSync(archivePath(path, 1), gzipSync(readFileSync(rotating)), { mode });
    unlinkSync(rotating);
    return;
  }
  for (let n = keep; n >= 1; n--) {
    const from = archivePath(path, n);
    if (!existsSync(from)) continue;
    if (n === keep) unlinkSync(from); else renameSync(from, archivePath(path, n + 1));
  }
  writeFileAtomicSync(archivePath(path, 1), gzipSync(readFileSync(rotating)), { mode });
  unlinkSync(rotating);
}

/** Finish a rotation interrupted by a crash (called at open). */
export function finishInterruptedRotation(path: string, keep: number, mode = 0o600): void {
  if (existsSync(`${path}.rotating`)) rotateFile(path, keep, mode);
}
