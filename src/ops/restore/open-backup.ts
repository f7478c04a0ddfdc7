/**
 * @module Open a backup for reading: the sidecar must exist, parse the header, check that the key
 * given is the one the backup was made for, verify the server's RSA-PSS signature (with the
 * public half of that key: only the holder of the private key can have made it) and unwrap the
 * data key (RSA-OAEP, SHA-512, MGF1-SHA512 only: a key wrapped with OAEP-SHA1 does not unwrap;
 * T-BK-07). ONE read of the file gives its SHA-512 (checked against the sidecar) and what the
 * signature covers:
 * - version 4 (backup-format.ts): the signature covers the header and the checkpoints, so it is
 *   checked first; the read then authenticates each segment when the running digest at its end
 *   matches its checkpoint (`readAuthenticated`), and restore --verify decrypts each segment on
 *   the other core as soon as it is authenticated (`openBackupHead`, decrypt-backup.ts);
 * - versions 2 and 3: the signature covers the digest of the whole content (a copy of the
 *   running hash at the signature's offset), so the whole read comes first.
 * Nothing of the payload is decrypted before the bytes it comes from are authenticated.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { oaepDecrypt } from '../../keys/rsa-oaep.ts';
import { open } from 'node:fs/promises';
import { verifyPss } from '../../keys/pss-signature.ts';
import { AppError } from '../../lib/errors.ts';
import {
  CHECKPOINT_BYTES, COUNT_BYTES, DEK_BYTES, MAX_CHECKPOINTS, MAX_HEADER_BYTES, MAX_SIGNATURE, MIN_SIGNATURE, SEGMENT_BYTES, SIG_LEN_BYTES, TAG_BYTES,
  checkpointCount, checkpointMessage, decodeHeader, signedMessage,
} from '../backup/backup-format.ts';
import type { BackupHeader } from '../backup/backup-format.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';
import { matchSidecar, readSidecar } from '../backup/sidecar.ts';

export interface OpenedBackup { header: BackupHeader; dek: Buffer; tag: Buffer; bodyStart: number; bodyEnd: number; size: number }

/**
 * The parts of a container read from its two ends. `contentEnd` is the end of the tag; versions
 * 2 and 3 sign the digest of bytes [0, signedEnd) with signedEnd = contentEnd, version 4 the
 * header and `checkpoints` (which cover [0, contentEnd)).
 */
export interface BackupFrame { header: BackupHeader; tag: Buffer; signature: Buffer; signedEnd: number; contentEnd: number; checkpoints?: Buffer; size: number }

/** A version-4 backup whose header and checkpoints are authenticated and whose key is unwrapped; its content is not read yet. */
export interface OpenedHead extends OpenedBackup { frame: BackupFrame & { checkpoints: Buffer }; sidecar: string }

function noSignatureBlock(file: string): AppError {
  return new AppError('E_RESTORE', `"${file}" has no valid signature block: it was truncated, extended or not written by aibridge`, { hint: 'nothing was restored; use another copy of this backup' });
}

async function readExactly(fh: FileHandle, buf: Buffer, pos: number): Promise<void> {
  for (let o = 0; o < buf.length;) {
    const { bytesRead } = await fh.read(buf, o, buf.length - o, pos + o);
    if (bytesRead === 0) throw new AppError('E_RESTORE', 'the backup file ended early', { hint: 'nothing was restored; use another copy of this backup' });
    o += bytesRead;
  }
}

/** Read header, tag and signature of `file`. */
export async function readBackupHeader(file: string): Promise<BackupFrame> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new AppError('E_RESTORE', `Cannot open backup "${file}": ${err.code ?? err.message}`, { hint: 'check the path and that it is readable by this user' });
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new AppError('E_RESTORE', `"${file}" is not a regular file`, { hint: 'give the path of a backup_*.tar.gz.enc file' });
    const head = Buffer.alloc(Math.min(MAX_HEADER_BYTES, st.size));
    await fh.read(head, 0, head.length, 0);
    const header = decodeHeader(head, st.size, file);
    const len = Buffer.alloc(SIG_LEN_BYTES);
    await fh.read(len, 0, SIG_LEN_BYTES, st.size - SIG_LEN_BYTES);
    const s = len.readUInt16BE(0);
    const signedEnd = st.size - SIG_LEN_BYTES - s;
    if (s < MIN_SIGNATURE || s > MAX_SIGNATURE) throw noSignatureBlock(file);
    const signature = Buffer.alloc(s);
    await readExactly(fh, signature, signedEnd);
    let contentEnd = signedEnd;
    let checkpoints: Buffer | undefined;
    if (header.version >= 4) {
      // count ‖ checkpoints before the signature; the count must be the one the content's length implies.
      if (signedEnd - COUNT_BYTES < header.bytes.length) throw noSignatureBlock(file);
      const count = Buffer.alloc(COUNT_BYTES);
      await readExactly(fh, count, signedEnd - COUNT_BYTES);
      const k = count.readUInt32BE(0);
      contentEnd = signedEnd - COUNT_BYTES - k * CHECKPOINT_BYTES;
      if (k < 1 || k > MAX_CHECKPOINTS || contentEnd - TAG_BYTES < header.bytes.length || checkpointCount(contentEnd) !== k) throw noSignatureBlock(file);
      checkpoints = Buffer.alloc(k * CHECKPOINT_BYTES);
      await readExactly(fh, checkpoints, contentEnd);
    }
    if (contentEnd - TAG_BYTES < header.bytes.length) throw noSignatureBlock(file);
    const tag = Buffer.alloc(TAG_BYTES);
    await readExactly(fh, tag, contentEnd - TAG_BYTES);
    return { header, tag, signature, signedEnd, contentEnd, ...(checkpoints ? { checkpoints } : {}), size: st.size };
  } finally { await fh.close(); }
}

function checkKey(frame: BackupFrame, privateKey: KeyObject, keyLabel: string): void {
  const fp = keyFingerprint(privateKey);
  if (fp !== frame.header.meta.keyFingerprint) {
    throw new AppError('E_RESTORE', `Wrong key: backup "${frame.header.meta.id}" was encrypted for the RSA key ${frame.header.meta.keyFingerprint.slice(0, 16)}…, but "${keyLabel}" is the key ${fp.slice(0, 16)}…`, {
      hint: 'after a key rotation, pass the archived key: --key secrets/rsa_private.pem.archived.YYYYMMDD; a backup from another install needs that install\'s private key',
    });
  }
}

function unwrapKey(file: string, frame: BackupFrame, privateKey: KeyObject, keyLabel: string): OpenedBackup {
  let dek: Buffer;
  try {
    dek = oaepDecrypt(privateKey, frame.header.wrappedKey);
  } catch {
    throw new AppError('E_RESTORE', `Cannot unwrap the data key of "${file}" with "${keyLabel}": the key block was altered or uses other parameters`, { hint: 'the file is damaged or was not written by aibridge; use another copy' });
  }
  if (dek.length !== DEK_BYTES) throw new AppError('E_RESTORE', `The data key of "${file}" has the wrong length`, { hint: 'the file is damaged; use another copy' });
  return { header: frame.header, dek, tag: frame.tag, bodyStart: frame.header.bytes.length, bodyEnd: frame.contentEnd - TAG_BYTES, size: frame.size };
}

function notSigned(file: string): AppError {
  return new AppError('E_RESTORE', `Backup "${file}" is not signed by this server's key: it was altered, or built by someone holding only the public key`, {
    hint: 'nothing was restored; use a backup made by "aibridge backup" on this install (or pass the archived key it was made with)',
  });
}

/**
 * Version 4: sidecar present, key, the signature over the header and checkpoints, the data key.
 * The content is not read: `readAuthenticated` authenticates it segment by segment.
 */
export async function openBackupHead(file: string, privateKey: KeyObject, keyLabel: string): Promise<OpenedHead> {
  const sidecar = readSidecar(file);
  return headOf(file, sidecar, await readBackupHeader(file), privateKey, keyLabel);
}

function headOf(file: string, sidecar: string, frame: BackupFrame, privateKey: KeyObject, keyLabel: string): OpenedHead {
  const checkpoints = frame.checkpoints;
  if (!checkpoints) throw new TypeError(`openBackupHead reads version 4 backups, not version ${frame.header.version}`);
  checkKey(frame, privateKey, keyLabel);
  if (!verifyPss(createPublicKey(privateKey), checkpointMessage(frame.header.bytes, checkpoints), frame.signature)) throw notSigned(file);
  return { ...unwrapKey(file, frame, privateKey, keyLabel), frame: { ...frame, checkpoints }, sidecar };
}

/** Header, tag and unwrapped data key, after the whole file was read and authenticated; throws E_RESTORE on a wrong key. */
export async function openBackup(file: string, privateKey: KeyObject, keyLabel: string): Promise<OpenedBackup> {
  const sidecar = readSidecar(file);
  const frame = await readBackupHeader(file);
  if (frame.checkpoints) {
    const head = headOf(file, sidecar, frame, privateKey, keyLabel);
    try {
      const bufs = [Buffer.allocUnsafe(SEGMENT_BYTES), Buffer.allocUnsafe(SEGMENT_BYTES)] as const;
      await readAuthenticated(file, head, { slot: (i) => bufs[i % 2]!, authenticated: () => undefined });
    } catch (err) { head.dek.fill(0); throw err; }
    return head;
  }
  checkKey(frame, privateKey, keyLabel);
  const digests = await hashBackup(file, frame.signedEnd);
  matchSidecar(file, sidecar, digests.file);
  checkBackupSignature(file, frame.header.version, digests.signed, frame.signature, createPublicKey(privateKey));
  return unwrapKey(file, frame, privateKey, keyLabel);
}

/** Where `readAuthenticated` puts segment i (SEGMENT_BYTES at least, free until `authenticated(i)` was called and the consumer let go of it), and whom it tells. */
export interface SegmentSink {
  slot(i: number): Buffer | Promise<Buffer>;
  authenticated(i: number): void;
}

function altered(file: string, i: number, end: number): AppError {
  return new AppError('E_RESTORE', `Backup "${file}" was altered after it was signed: its bytes up to offset ${end} do not match the signed checkpoint ${i}`, {
    hint: 'nothing was restored; use another copy of this backup',
  });
}

/**
 * Version 4, after `openBackupHead`: one read of the file. Each content segment is read into
 * `sink.slot(i)`, hashed, and handed on (`sink.authenticated(i)`) only once the running SHA-512
 * matches its signed checkpoint; the read of the next segment overlaps the hash of this one.
 * The rest of the file is hashed too and the whole file's SHA-512 must match the sidecar.
 * Throws E_RESTORE at the first mismatch (nothing after it is handed on).
 */
export async function readAuthenticated(file: string, head: OpenedHead, sink: SegmentSink): Promise<void> {
  const { contentEnd, checkpoints, size } = head.frame;
  const k = checkpoints.length / CHECKPOINT_BYTES;
  const hash = createHash('sha512');
  const fh = await open(file, 'r');
  try {
    const read = async (i: number): Promise<Buffer> => {
      const buf = (await sink.slot(i)).subarray(0, Math.min(SEGMENT_BYTES, contentEnd - i * SEGMENT_BYTES));
      await readExactly(fh, buf, i * SEGMENT_BYTES);
      return buf;
    };
    let next = read(0);
    for (let i = 0; i < k; i++) {
      const b = await next;
      if (i + 1 < k) { next = read(i + 1); next.catch(() => undefined); }
      hash.update(b);
      if (!hash.copy().digest().equals(checkpoints.subarray(i * CHECKPOINT_BYTES, (i + 1) * CHECKPOINT_BYTES))) throw altered(file, i, i * SEGMENT_BYTES + b.length);
      sink.authenticated(i);
    }
    const rest = Buffer.allocUnsafe(size - contentEnd);
    await readExactly(fh, rest, contentEnd);
    hash.update(rest);
    const extra = await fh.read(Buffer.alloc(1), 0, 1, size);
    if (extra.bytesRead !== 0) throw new AppError('E_RESTORE', `Backup "${file}" grew while it was read`, { hint: 'nothing was restored; restore from a copy no process is writing' });
  } finally { await fh.close(); }
  matchSidecar(file, head.sidecar, hash.digest('hex'));
}

/** Bytes per read while hashing: two buffers of this size, one filling while the other is hashed. */
const HASH_READ = 1 << 20;

/**
 * One read of `file`: SHA-512 of bytes [0, signedEnd) (what the signature covers) and of the whole
 * file (hex). The next read runs while the current buffer is hashed, and the two buffers are
 * reused: a buffer per read left 1 MiB of garbage per MiB for the collector (issue 20).
 */
export async function hashBackup(file: string, signedEnd: number): Promise<{ signed: Buffer; file: string }> {
  const hash = createHash('sha512');
  const bufs = [Buffer.allocUnsafe(HASH_READ), Buffer.allocUnsafe(HASH_READ)] as const;
  let signed: Buffer | undefined;
  const fh = await open(file, 'r');
  try {
    let pos = 0;
    let next = fh.read(bufs[0], 0, HASH_READ, 0);
    for (let i = 1; ; i++) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      const b = buffer.subarray(0, bytesRead);
      next = fh.read(bufs[i % 2]!, 0, HASH_READ, pos + bytesRead);
      if (!signed && pos + b.length >= signedEnd) {
        hash.update(b.subarray(0, signedEnd - pos));
        signed = hash.copy().digest();
        hash.update(b.subarray(signedEnd - pos));
      } else hash.update(b);
      pos += b.length;
    }
  } finally { await fh.close(); }
  return { signed: signed ?? hash.copy().digest(), file: hash.digest('hex') };
}

/**
 * Check the server's signature over the digest of bytes [0, signedEnd), with the prefix of the
 * backup's format version. Throws E_RESTORE: a backup whose signature fails was altered or made
 * without the key.
 */
export function checkBackupSignature(file: string, version: number, signedDigest: Buffer, signature: Buffer, publicKey: KeyObject): void {
  if (!verifyPss(publicKey, signedMessage(signedDigest, version === 2 ? 2 : 3), signature)) throw notSigned(file);
}
