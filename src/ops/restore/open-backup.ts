/**
 * @module Open a backup for reading: parse the header, check that the key given is the one the
 * backup was made for, and unwrap the data key (RSA-OAEP, SHA-512, MGF1-SHA512 only: a key wrapped
 * with OAEP-SHA1 does not unwrap; T-BK-07).
 */
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { AppError } from '../../lib/errors.ts';
import { DEK_BYTES, MAX_HEADER_BYTES, TAG_BYTES, decodeHeader } from '../backup/backup-format.ts';
import type { BackupHeader } from '../backup/backup-format.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';

export interface OpenedBackup { header: BackupHeader; dek: Buffer; tag: Buffer; bodyStart: number; bodyEnd: number; size: number }

/** Read header and tag of `file`. */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; tag: Buffer; size: number }> {
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new AppError('E_RESTORE', `Cannot open backup "${file}": ${err.code ?? err.message}`, { hint: 'check the path and that it is readable by this user' });
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new AppError('E_RESTORE', `"${file}" is not a regular file`, { hint: 'give the path of a backup_*.tar.gz.enc file' });
    const head = Buffer.alloc(Math.min(MAX_HEADER_BYTES, st.size));
    await fh.read(head, 0, head.length, 0);
    const header = decodeHeader(head, st.size, file);
    const tag = Buffer.alloc(TAG_BYTES);
    await fh.read(tag, 0, TAG_BYTES, st.size - TAG_BYTES);
    return { header, tag, size: st.size };
  } finally { await fh.close(); }
}

/** Header, tag and unwrapped data key; throws E_RESTORE on a wrong key. */
export async function openBackup(file: string, privateKey: KeyObject, keyLabel: string): Promise<OpenedBackup> {
  const { header, tag, size } = await readBackupHeader(file);
  const fp = keyFingerprint(privateKey);
  if (fp !== header.meta.keyFingerprint) {
    throw new AppError('E_RESTORE', `Wrong key: backup "${header.meta.id}" was encrypted for the RSA key ${header.meta.keyFingerprint.slice(0, 16)}…, but "${keyLabel}" is the key ${fp.slice(0, 16)}…`, {
      hint: 'after a key rotation, pass the archived key: --key secrets/rsa_private.pem.archived.YYYYMMDD; a backup from another install needs that install\'s private key',
    });
  }
  let dek: Buffer;
  try {
    dek = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, header.wrappedKey);
  } catch {
    throw new AppError('E_RESTORE', `Cannot unwrap the data key of "${file}" with "${keyLabel}": the key block was altered or uses other parameters`, { hint: 'the file is damaged or was not written by aibridge; use another copy' });
  }
  if (dek.length !== DEK_BYTES) throw new AppError('E_RESTORE', `The data key of "${file}" has the wrong length`, { hint: 'the file is damaged; use another copy' });
  return { header: header, dek, tag, bodyStart: header.bytes.length, bodyEnd: size - TAG_BYTES, size };
}
