/**
 * @module Read the body of an opened backup, checking the GCM tag (which covers the header as
 * AAD): `decryptBackup` writes the decrypted payload to a restore's private temp file,
 * `checkBackupBody` walks the tar of the body without writing (restore --verify; for version 4
 * `checkStreamedBody`, as each segment is authenticated), and
 * `extractPayload` extracts a payload decrypted before. openBackup has verified
 * the server's signature over every byte before any of this runs; the GCM tag is only known at
 * the end, so callers make nothing visible until these resolve.
 * Version 3 payloads are read by the payload worker (payload-reader.ts); version 2's gzip stream
 * here, through tar-stream. Both go through the same entry rules (safe-extract.ts).
 */
import { gcmDecipher } from '../../keys/aes-gcm.ts';
import type { DecipherGCM } from 'node:crypto';
import { constants, createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../lib/errors.ts';
import { readAuthenticated, type OpenedBackup, type OpenedHead } from './open-backup.ts';
import { PayloadError, SegmentRing, readPayloadEntries } from './payload-reader.ts';
import { archiveError, createEntryExtractor, createTarExtractor, type ExtractSummary } from './safe-extract.ts';

/** Ciphertext bytes per read. */
const READ_BYTES = 4 << 20;

/**
 * The plaintext of bytes [start, end) of `file`, then the tag check (final() throws on a
 * mismatch). One read buffer is reused: the decipher copies out of it before the next read.
 */
async function* plaintext(file: string, range: { start: number; end: number }, decipher: DecipherGCM): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(1, range.end - range.start)));
    for (let pos = range.start; pos < range.end;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, range.end - pos), pos);
      if (bytesRead === 0) throw new PayloadError('auth', 'the file ended early');
      pos += bytesRead;
      yield decipher.update(buf.subarray(0, bytesRead));
    }
    const last = decipher.final();
    if (last.length > 0) yield last;
  } finally { await fh.close(); }
}

function decipherOf(opened: OpenedBackup): DecipherGCM {
  return gcmDecipher(opened.dek, opened.header.iv, opened.header.bytes, opened.tag);
}

function isAuthFailure(err: unknown): boolean {
  return (err instanceof PayloadError && err.kind === 'auth') || /unable to authenticate/i.test((err as Error).message);
}

function authFailed(file: string): AppError {
  return new AppError('E_RESTORE', `Backup "${file}" failed authentication: it was altered, truncated or extended after it was written`, { hint: 'nothing was restored; use another copy of this backup' });
}

/** Map a failure while reading a tar: authentication, the file read, then the archive's own errors. */
function readError(file: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isAuthFailure(err)) return authFailed(file);
  if (err instanceof PayloadError && err.kind === 'io') return new AppError('E_RESTORE', `Cannot read backup "${file}": ${err.message}`, { hint: 'nothing was restored; check the file', cause: err });
  return archiveError(err);
}

/** Free a buffer's memory now rather than at the next collection (only one that owns its memory). */
function release(b: Buffer): void {
  if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.buffer.byteLength === b.length) b.buffer.transfer(0);
}

/**
 * Decrypt the whole body into a new file `target` (created 0600, exclusively, fsynced) and
 * check the tag; throw E_RESTORE otherwise. Each decrypted piece is freed once written.
 */
export async function decryptBackup(file: string, opened: OpenedBackup, target: string): Promise<void> {
  try {
    const out = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      for await (const piece of plaintext(file, { start: opened.bodyStart, end: opened.bodyEnd }, decipherOf(opened))) {
        for (let o = 0; o < piece.length;) o += (await out.write(piece, o)).bytesWritten;
        release(piece);
      }
      await out.sync();
    } finally { await out.close(); }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (isAuthFailure(err)) throw authFailed(file);
    throw new AppError('E_RESTORE', `Cannot decrypt backup "${file}": ${(err as Error).message}`, { hint: 'nothing was restored; check free disk space and the file', cause: err });
  }
}

/**
 * restore --verify: walk the tar of the backup's body, decrypted and decoded by format version,
 * checking every entry and writing nothing; the tag is checked at the end of the same read.
 */
export async function checkBackupBody(file: string, opened: OpenedBackup): Promise<ExtractSummary> {
  const range = { start: opened.bodyStart, end: opened.bodyEnd };
  try {
    if (opened.header.version === 2) {
      const x = createTarExtractor(undefined);
      await pipeline(Readable.from(plaintext(file, range, decipherOf(opened))), createGunzip(), x.sink);
      return await x.finish();
    }
    const x = createEntryExtractor(undefined);
    await readPayloadEntries({ file, ...range, gcm: { key: opened.dek, iv: opened.header.iv, aad: opened.header.bytes, tag: opened.tag } }, x, false);
    return await x.finish();
  } catch (err) { throw readError(file, err); }
}

/**
 * restore --verify of a version-4 backup opened by `openBackupHead`: one read of the file on this
 * thread authenticates each segment against its signed checkpoint and the whole file against
 * the sidecar (`readAuthenticated`), while the payload worker decrypts, expands and walks the
 * segments already authenticated (SegmentRing), writing nothing. A failure of the read (an
 * altered segment, the sidecar, I/O) is reported before anything the worker found.
 */
export async function checkStreamedBody(file: string, head: OpenedHead): Promise<ExtractSummary> {
  const ring = new SegmentRing();
  const x = createEntryExtractor(undefined);
  const reading = readAuthenticated(file, head, ring).catch((err: unknown) => { ring.stop(); throw err; });
  const walking = readPayloadEntries({ file, start: head.bodyStart, end: head.bodyEnd, gcm: { key: head.dek, iv: head.header.iv, aad: head.header.bytes }, ring }, x, false);
  const [read, walked] = await Promise.allSettled([reading, walking]);
  const stopped = read.status === 'rejected' && read.reason instanceof PayloadError && walked.status === 'rejected';
  if (read.status === 'rejected' && !stopped) throw read.reason;
  if (walked.status === 'rejected') throw readError(file, walked.reason);
  return await x.finish();
}

/** Extract the payload that `decryptBackup` wrote to `payload` (already authenticated) into `dest`. */
export async function extractPayload(payload: string, version: number, dest: string): Promise<ExtractSummary> {
  try {
    if (version === 2) {
      const x = createTarExtractor(dest);
      await pipeline(createReadStream(payload, { highWaterMark: 1 << 20 }), createGunzip(), x.sink);
      return await x.finish();
    }
    const x = createEntryExtractor(dest);
    await readPayloadEntries({ file: payload, start: 0, end: statSync(payload).size }, x, true);
    return await x.finish();
  } catch (err) { throw readError(payload, err); }
}
