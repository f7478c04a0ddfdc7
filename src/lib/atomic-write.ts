/**
 * @module Crash-safe state writes: temp file in the same folder, write, fsync, rename, fsync the
 * folder (as google/renameio does). A kill -9 at any point leaves either the old or the new file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { AppError } from './errors.ts';

export interface AtomicWriteOptions {
  /** File mode from creation on (never widened later); default 0o600 because most state is secret. */
  mode?: number;
  /** Create missing parent folders with this mode (default 0o700). */
  dirMode?: number;
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** fsync a directory so that a rename inside it is durable. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** Write `data` to `path` atomically and durably (synchronous variant, for start-up and CLIs). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: options.dirMode ?? 0o700 });
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    fsyncDirSync(dirname(path));
  } catch (err) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* temp may not exist */ }
    throw new AppError('E_STATE_WRITE', `Cannot write "${path}": ${(err as Error).message}`, {
      hint: 'check that the folder exists, is writable and the disk is not full', cause: err,
    });
  }
}

/** Write `data` to `path` atomically and durably. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const tmp = tempPathFor(path);
  let created = false;
  try {
    await mkdir(dirname(path), { recursive: true, mode: options.dirMode ?? 0o700 });
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    created = true;
    try {
      await fh.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    created = false;
    const dh = await open(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
    try { await dh.sync(); } finally { await dh.close(); }
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw new AppError('E_STATE_WRITE', `Cannot write "${path}": ${(err as Error).message}`, {
      hint: 'check that the folder exists, is writable and the disk is not full', cause: err,
    });
  }
}

/** Path of a fresh temp file beside `path`, for callers that stream into it and then `commitTempFile`. */
export function tempFileBeside(path: string): string {
  return tempPathFor(path);
}

/** Rename a fully written and fsynced temp file over `path` and fsync the folder. */
export async function commitTempFile(tmp: string, path: string): Promise<void> {
  await rename(tmp, path);
  const dh = await open(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
  try { await dh.sync(); } finally { await dh.close(); }
}
