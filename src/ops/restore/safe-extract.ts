/**
 * @module Extract an authenticated tar into an empty folder (a .tar.gz through tar-stream, or the
 * entries the payload worker read from a version-3 backup). Only regular files and folders
 * are accepted: symbolic links, hard links, devices and FIFOs are refused, as are absolute and
 * ".." names (entry-name.ts) and duplicate entries. Files are created O_EXCL|O_NOFOLLOW with the
 * archived mode; folder modes are applied last so a read-only folder can still be filled.
 */
import { chmod, mkdir, open as openFile, type FileHandle } from 'node:fs/promises';
import { constants, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { AppError } from '../../lib/errors.ts';
import { safeEntrySegments } from './entry-name.ts';
import type { EntrySink } from './payload-reader.ts';
import type { TarEntryHead } from './open-worker.ts';

export interface ExtractSummary { files: number; dirs: number; bytes: number }

function refuseType(h: { name: string; type?: string | null }): never {
  throw new AppError('E_RESTORE', `Refusing archive entry ${JSON.stringify(h.name.slice(0, 200))}: ${h.type ?? 'unknown'} entries are not allowed`, {
    hint: 'aibridge backups hold only files and folders; this archive was crafted or damaged; nothing was restored',
  });
}

/** Create a file for an entry: never an existing file, never through a link, 0600 until complete. */
function createExclusive(target: string): Promise<FileHandle> {
  return openFile(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new AppError('E_RESTORE', `Refusing duplicate archive entry for "${target}"`, { hint: 'the archive was crafted; nothing was restored' });
    throw err;
  });
}

async function writeEntry(target: string, mode: number, stream: Readable): Promise<number> {
  const fh = await createExclusive(target);
  let bytes = 0;
  try {
    await pipeline(stream, new Writable({ async write(chunk: Buffer, _e, cb) { try { bytes += chunk.length; await fh.write(chunk); cb(); } catch (e) { cb(e as Error); } } }));
    await fh.chmod(mode & 0o777);
    await fh.sync();
  } finally { await fh.close(); }
  return bytes;
}

export interface TarExtractor { sink: Writable; finish(): Promise<ExtractSummary> }

/**
 * The checks and bookkeeping every entry goes through, whichever parser read it: a safe name,
 * a file or folder, not seen before; folders created at once (their modes applied by `finish`).
 * Returns the target path ('' when only checking) or undefined for a folder.
 */
class EntryRules {
  readonly summary: ExtractSummary = { files: 0, dirs: 0, bytes: 0 };
  #dirModes: Array<[string, number]> = [];
  #seen = new Set<string>();
  #dest: string | undefined;
  constructor(dest: string | undefined) { this.#dest = dest; }

  async admit(h: { name: string; type?: string | null; mode?: number | null }): Promise<string | undefined> {
    const rel = safeEntrySegments(h.name).join('/');
    if (h.type !== 'file' && h.type !== 'directory') refuseType(h);
    if (this.#seen.has(rel)) throw new AppError('E_RESTORE', `Refusing duplicate archive entry "${rel}"`, { hint: 'the archive was crafted; nothing was restored' });
    this.#seen.add(rel);
    const target = this.#dest ? join(this.#dest, rel) : '';
    if (h.type === 'directory') {
      this.summary.dirs++;
      if (this.#dest) { await mkdir(target, { recursive: true, mode: 0o700 }); this.#dirModes.push([target, (h.mode ?? 0o700) & 0o777]); }
      return undefined;
    }
    this.summary.files++;
    if (this.#dest) await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    return target;
  }

  async finish(): Promise<ExtractSummary> {
    for (const [dir, mode] of this.#dirModes.reverse()) await chmod(dir, mode);
    return this.summary;
  }
}

/**
 * A tar sink (tar-stream); with `dest`, entries are written there (the folder must exist and be
 * empty), otherwise every entry is only checked (for --verify). Call `finish` after the pipeline ends.
 */
export function createTarExtractor(dest: string | undefined): TarExtractor {
  const rules = new EntryRules(dest);
  const extract = tarStream.extract();
  extract.on('entry', (h: Header, stream, next) => {
    (async () => {
      const target = await rules.admit(h);
      if (target === undefined) { stream.resume(); return; }
      if (!dest) { for await (const c of stream) rules.summary.bytes += (c as Buffer).length; return; }
      rules.summary.bytes += await writeEntry(target, h.mode ?? 0o600, stream as unknown as Readable);
    })().then(() => next(), (err: unknown) => { stream.resume(); next(err as Error); });
  });
  return { sink: extract as unknown as Writable, finish: () => rules.finish() };
}

/** An EntrySink (payload-reader.ts) under the same rules: file bytes written with writeEntry's guarantees. */
export interface EntryExtractor extends EntrySink { finish(): Promise<ExtractSummary> }

/**
 * The same as createTarExtractor for entries read by the payload worker: with `dest`, files are
 * created O_EXCL|O_NOFOLLOW (0600, then the archived mode, fsynced); without, only checked and
 * counted by their header's size (the worker read every byte of them).
 */
export function createEntryExtractor(dest: string | undefined): EntryExtractor {
  const rules = new EntryRules(dest);
  let open: { fh: FileHandle; target: string; mode: number; left: number } | undefined;
  const close = async (): Promise<void> => {
    if (!open) return;
    const o = open;
    open = undefined;
    try {
      if (o.left !== 0) throw new AppError('E_RESTORE', `Archive entry for "${o.target}" is shorter than its header says`, { hint: 'the archive is damaged; nothing was restored' });
      await o.fh.chmod(o.mode & 0o777);
      await o.fh.sync();
    } finally { await o.fh.close(); }
  };
  return {
    async entry(h: TarEntryHead) {
      await close();
      const target = await rules.admit(h);
      if (target === undefined) return;
      rules.summary.bytes += h.size;
      if (dest) open = { fh: await createExclusive(target), target, mode: h.mode, left: h.size };
    },
    async data(b: Buffer) {
      if (!open) return;
      open.left -= b.length;
      if (open.left < 0) throw new AppError('E_RESTORE', `Archive entry for "${open.target}" is longer than its header says`, { hint: 'the archive is damaged; nothing was restored' });
      for (let o = 0; o < b.length;) o += (await open.fh.write(b, o)).bytesWritten;
      // The bytes are this sink's own (EntrySink): free them now, not at the next collection.
      if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.buffer.byteLength === b.length) b.buffer.transfer(0);
    },
    async finish() {
      await close();
      return rules.finish();
    },
  };
}

/** Map a tar or gzip failure to E_RESTORE. */
export function archiveError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('E_RESTORE', `The backup archive is not a valid .tar.gz: ${(err as Error).message}`, { hint: 'nothing was restored; the backup was made by an incompatible tool', cause: err });
}

/** Extract the .tar.gz file `archive` (already authenticated) into `dest`. */
export async function extractTarGz(archive: string, dest: string | undefined): Promise<ExtractSummary> {
  const x = createTarExtractor(dest);
  try {
    await pipeline(createReadStream(archive, { highWaterMark: 1 << 20 }), createGunzip(), x.sink);
  } catch (err) { throw archiveError(err); }
  return x.finish();
}
