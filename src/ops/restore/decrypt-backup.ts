/**
 * @module Decrypt the body of an opened backup into a sink, checking the GCM tag (which covers the
 * header as AAD). openBackup has verified the server's signature over every byte before this
 * runs; the GCM tag is only known at the end, so callers still give the sink a private temp file
 * or a checking-only stream, and make nothing visible until this resolves.
 */
import { gcmDecipher } from '../../keys/aes-gcm.ts';
import type { DecipherGCM } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../lib/errors.ts';
import type { OpenedBackup } from './open-backup.ts';
import { createGunzip } from 'node:zlib';
import { createChunkExpander } from '../backup/backup-chunks.ts';

/** The transform from a decrypted payload to the tar: version 3 chunks, or version 2's gzip stream. */
export function payloadDecoder(version: number): Transform {
  return version === 2 ? createGunzip() : createChunkExpander();
}

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
      if (bytesRead === 0) throw new Error('the file ended early (unable to authenticate data)');
      pos += bytesRead;
      yield decipher.update(buf.subarray(0, bytesRead));
    }
    const last = decipher.final();
    if (last.length > 0) yield last;
  } finally { await fh.close(); }
}

/** Resolve when the whole body decrypted and authenticated; throw E_RESTORE otherwise. */
export async function decryptBackup(file: string, opened: OpenedBackup, sink: Writable, extra: Transform[] = []): Promise<void> {
  const decipher = gcmDecipher(opened.dek, opened.header.iv, opened.header.bytes, opened.tag);
  const body = Readable.from(plaintext(file, { start: opened.bodyStart, end: opened.bodyEnd }, decipher), { objectMode: false, highWaterMark: READ_BYTES });
  try {
    await pipeline(body, ...extra, sink);
  } catch (err) {
    const msg = (err as Error).message;
    if (/auth|unable to authenticate/i.test(msg)) {
      throw new AppError('E_RESTORE', `Backup "${file}" failed authentication: it was altered, truncated or extended after it was written`, { hint: 'nothing was restored; use another copy of this backup' });
    }
    if (err instanceof AppError) throw err;
    throw new AppError('E_RESTORE', `Cannot decrypt backup "${file}": ${msg}`, { hint: 'nothing was restored; check free disk space and the file', cause: err });
  }
}
