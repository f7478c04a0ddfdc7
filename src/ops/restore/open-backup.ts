/**
 * @module Open a backup for reading: the sidecar must exist, parse the header, check that the key
 * given is the one the backup was made for, then ONE read of the file gives its SHA-512 (checked
 * against the sidecar) and the digest the signature covers (a copy of the running hash at the
 * signature's offset; issue 20: no second pass); verify the server's RSA-PSS signature over the
 * whole container (with the public half of that key: only the holder of the private key can have
 * made it), and unwrap the data key (RSA-OAEP, SHA-512, MGF1-SHA512 only: a key wrapped with
 * OAEP-SHA1 does not unwrap; T-BK-07). Nothing of the payload is decrypted before all of this holds.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { oaepDecrypt } from '../../keys/rsa-oaep.ts';
import { open } from 'node:fs/promises';
import { verifyPss } from '../../keys/pss-signature.ts';
import { AppError } from '../../lib/errors.ts';
import { DEK_BYTES, MAX_HEADER_BYTES, MAX_SIGNATURE, MIN_SIGNATURE, SIG_LEN_BYTES, TAG_BYTES, decodeHeader, signedMessage } from '../backup/backup-format.ts';
import type { BackupHeader } from '../backup/backup-format.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';
import { matchSidecar, readSidecar } from '../backup/sidecar.ts';

export interface OpenedBackup { header: BackupHeader; dek: Buffer; tag: Buffer; bodyStart: number; bodyEnd: number; size: number }

export interface BackupFrame { header: BackupHeader; tag: Buffer; signature: Buffer; signedEnd: number; size: number }

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
    if (s < MIN_SIGNATURE || s > MAX_SIGNATURE || signedEnd - TAG_BYTES < header.bytes.length) {
      throw new AppError('E_RESTORE', `"${file}" has no valid signature block: it was truncated, extended or not written by aibridge`, { hint: 'nothing was restored; use another copy of this backup' });
    }
    const signature = Buffer.alloc(s);
    await fh.read(signature, 0, s, signedEnd);
    const tag = Buffer.alloc(TAG_BYTES);
    await fh.read(tag, 0, TAG_BYTES, signedEnd - TAG_BYTES);
    return { header, tag, signature, signedEnd, size: st.size };
  } finally { await fh.close(); }
}

/** Header, tag and unwrapped data key; throws E_RESTORE on a wrong key. */
export async function openBackup(file: string, privateKey: KeyObject, keyLabel: string): Promise<OpenedBackup> {
  const sidecar = readSidecar(file);
  const { header, tag, signature, signedEnd } = await readBackupHeader(file);
  const fp = keyFingerprint(privateKey);
  if (fp !== header.meta.keyFingerprint) {
    throw new AppError('E_RESTORE', `Wrong key: backup "${header.meta.id}" was encrypted for the RSA key ${header.meta.keyFingerprint.slice(0, 16)}…, but "${keyLabel}" is the key ${fp.slice(0, 16)}…`, {
      hint: 'after a key rotation, pass the archived key: --key secrets/rsa_private.pem.archived.YYYYMMDD; a backup from another install needs that install\'s private key',
    });
  }
  const digests = await hashBackup(file, signedEnd);
  matchSidecar(file, sidecar, digests.file);
  checkBackupSignature(file, header.version, digests.signed, signature, createPublicKey(privateKey));
  let dek: Buffer;
  try {
    dek = oaepDecrypt(privateKey, header.wrappedKey);
  } catch {
    throw new AppError('E_RESTORE', `Cannot unwrap the data key of "${file}" with "${keyLabel}": the key block was altered or uses other parameters`, { hint: 'the file is damaged or was not written by aibridge; use another copy' });
  }
  if (dek.length !== DEK_BYTES) throw new AppError('E_RESTORE', `The data key of "${file}" has the wrong length`, { hint: 'the file is damaged; use another copy' });
  return { header: header, dek, tag, bodyStart: header.bytes.length, bodyEnd: signedEnd - TAG_BYTES, size: signedEnd + signature.length + SIG_LEN_BYTES };
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
  if (!verifyPss(publicKey, signedMessage(signedDigest, version), signature)) {
    throw new AppError('E_RESTORE', `Backup "${file}" is not signed by this server's key: it was altered, or built by someone holding only the public key`, {
      hint: 'nothing was restored; use a backup made by "aibridge backup" on this install (or pass the archived key it was made with)',
    });
  }
}
