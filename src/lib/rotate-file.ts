/**
 * @module Size-based rotation into gzip archives: `name` → `name.1.gz`, older ones shift up,
 * at most `keep` archives stay. Each archive is written atomically; a crash mid-rotation leaves
 * `name.rotating`, which the next rotation finishes first (a crash after its archive was written
 * but before it was removed does not archive it twice).
 */
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeFileAtomicSync } from './atomic-write.ts';

/** Archive path for generation `n` (1 = newest). */
export function archivePath(path: string, n: number): string {
  return `${path}.${n}.gz`;
}

/**
 * Highest archive generation present beside `path` without a gap from 1 (0 when none): one
 * readdir, not one existsSync per archive (the audit log keeps thousands).
 */
export function highestGeneration(path: string): number {
  const prefix = `${basename(path)}.`;
  const present = new Set<number>();
  let names: string[];
  try { names = readdirSync(dirname(path)); } catch { return 0; }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.gz')) continue;
    const digits = name.slice(prefix.length, -3);
    if (/^[1-9]\d*$/.test(digits)) present.add(Number(digits));
  }
  let n = 0;
  while (present.has(n + 1)) n++;
  return n;
}

/** `rotating` is already archived as generation 1 (a crash between that write and its unlink). */
function alreadyArchived(path: string, rotating: Buffer): boolean {
  try { return gunzipSync(readFileSync(archivePath(path, 1))).equals(rotating); } catch { return false; }
}

/** What a rotation did: the archives now present (with `keep` = Infinity), and the bytes of the new one. */
export interface Rotation { archives: number; written: Buffer | undefined }

/**
 * Rotate `path` now. The caller holds any lock that guards appends to it. `keep` = Infinity keeps
 * every archive (the audit log: its archives have their own, signed retention); then `archives`
 * is the highest generation after the rotation, so callers need not count again. `written`: the
 * bytes of the new audit.log.1.gz (undefined when nothing new was written), so a caller need not
 * read them back.
 */
export function rotateFile(path: string, keep: number, mode = 0o600): Rotation {
  const finite = Number.isFinite(keep);
  const rotating = `${path}.rotating`;
  let recovering = true;
  if (!existsSync(rotating)) {
    if (!existsSync(path)) return { archives: finite ? 0 : highestGeneration(path), written: undefined };
    renameSync(path, rotating);
    recovering = false;
  }
  const data = readFileSync(rotating);
  if (recovering && alreadyArchived(path, data)) {
    unlinkSync(rotating);
    return { archives: finite ? 0 : highestGeneration(path), written: undefined };
  }
  let archives = 0;
  if (!finite) {
    archives = highestGeneration(path);
    for (let n = archives; n >= 1; n--) renameSync(archivePath(path, n), archivePath(path, n + 1));
    archives++;
  } else {
    for (let n = keep; n >= 1; n--) {
      const from = archivePath(path, n);
      if (!existsSync(from)) continue;
      if (n === keep) unlinkSync(from); else renameSync(from, archivePath(path, n + 1));
    }
  }
  const written = gzipSync(data);
  writeFileAtomicSync(archivePath(path, 1), written, { mode });
  unlinkSync(rotating);
  return { archives, written };
}

/** Finish a rotation interrupted by a crash (called at open). */
export function finishInterruptedRotation(path: string, keep: number, mode = 0o600): void {
  if (existsSync(`${path}.rotating`)) rotateFile(path, keep, mode);
}
