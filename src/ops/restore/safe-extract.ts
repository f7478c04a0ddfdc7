/**
 * @module Extract an authenticated .tar.gz into an empty folder. Only regular files and folders
 * are accepted: symbolic links, hard links, devices and FIFOs are refused, as are absolute and
 * ".." names (entry-name.ts) and duplicate entries. Files are created O_EXCL|O_NOFOLLOW with the
 * archived mode; folder modes are applied last so a read-only folder can still be filled.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { constants, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { AppError } from '../../lib/errors.ts';
import { safeEntrySegments } from './entry-name.ts';

export interface ExtractSummary { files: number; dirs: number; bytes: number }

function refuseType(h: Header): never {
  throw new AppError('E_RESTORE', `Refusing archive entry ${JSON.stringify(h.name.slice(0, 200))}: ${h.type ?? 'unknown'} entries are not allowed`, {
    hint: 'aibridge backups hold only files and folders; this archive was crafted or damaged; nothing was restored',
  });
}

async function writeEntry(target: string, mode: number, stream: Readable): Promise<number> {
  const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new AppError('E_RESTORE', `Refusing duplicate archive entry for "${target}"`, { hint: 'the archive was crafted; nothing was restored' });
    throw err;
  });
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
 * A tar sink; with `dest`, entries are written there (the folder must exist and be empty),
 * otherwise every entry is only checked (for --verify). Call `finish` after the pipeline ends.
 */
export function createTarExtractor(dest: string | undefined): TarExtractor {
  const summary: ExtractSummary = { files: 0, dirs: 0, bytes: 0 };
  const dirModes: Array<[string, number]> = [];
  const seen = new Set<string>();
  const extract = tarStream.extract();
  extract.on('entry', (h: Header, stream, next) => {
    (async () => {
      const rel = safeEntrySegments(h.name).join('/');
      if (h.type !== 'file' && h.type !== 'directory') refuseType(h);
      if (seen.has(rel)) throw new AppError('E_RESTORE', `Refusing duplicate archive entry "${rel}"`, { hint: 'the archive was crafted; nothing was restored' });
      seen.add(rel);
      const target = dest ? join(dest, rel) : '';
      if (h.type === 'directory') {
        summary.dirs++;
        if (dest) { await mkdir(target, { recursive: true, mode: 0o700 }); dirModes.push([target, (h.mode ?? 0o700) & 0o777]); }
        stream.resume();
        return;
      }
      summary.files++;
      if (!dest) { for await (const c of stream) summary.bytes += (c as Buffer).length; return; }
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
      summary.bytes += await writeEntry(target, h.mode ?? 0o600, stream as unknown as Readable);
    })().then(() => next(), (err: unknown) => { stream.resume(); next(err as Error); });
  });
  return {
    sink: extract as unknown as Writable,
    async finish() {
      for (const [dir, mode] of dirModes.reverse()) await chmod(dir, mode);
      return summary;
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
