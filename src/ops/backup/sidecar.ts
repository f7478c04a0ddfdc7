/**
 * @module The `.sha512` sidecar beside each backup, in `sha512sum` format ("<hex>  <name>\n"), so
 * `sha512sum -c` works too. Restore requires it and checks it in its first read of the file (open-backup.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/atomic-write.ts';

export function sidecarPath(file: string): string {
  return `${file}.sha512`;
}

/** SHA-512 (hex) of a file, streamed. */
export async function sha512OfFile(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sidecarText(file: string, hex: string): string {
  return `${hex}  ${basename(file)}\n`;
}

/** Write the sidecar atomically (mode 600). */
export async function writeSidecar(file: string, hex: string): Promise<void> {
  await writeFileAtomic(sidecarPath(file), sidecarText(file, hex), { mode: 0o600 });
}

/** The SHA-512 (lower-case hex) the sidecar of `file` records; throws E_RESTORE if it is missing or damaged. */
export function readSidecar(file: string): string {
  const path = sidecarPath(file);
  if (!existsSync(path)) {
    throw new AppError('E_RESTORE', `No checksum sidecar "${path}" beside the backup`, { hint: 'copy the .sha512 file that was written with the backup next to it' });
  }
  const m = /^([0-9a-fA-F]{128})\b/.exec(readFileSync(path, 'utf8').trim());
  if (!m) throw new AppError('E_RESTORE', `Checksum sidecar "${path}" is damaged: it holds no SHA-512 value`, { hint: 'copy the original .sha512 file again' });
  return (m[1] as string).toLowerCase();
}

/** Throw E_RESTORE unless `actual` (the file's SHA-512, hex) is what the sidecar records. */
export function matchSidecar(file: string, expected: string, actual: string): void {
  if (actual !== expected) {
    throw new AppError('E_RESTORE', `Backup "${file}" does not match its SHA-512 sidecar: the file was altered, damaged or copied incompletely`, {
      hint: 'copy the backup again from the backups folder or the SFTP server; do not restore this copy',
    });
  }
}
