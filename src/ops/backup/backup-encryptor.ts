/**
 * @module The sealing half of the container (backup-format.ts): a Transform that emits the header,
 * the AES-256-GCM ciphertext of whatever is piped in, then the tag. Needs the public key only
 * (spec: the server can back up without being able to read its backups).
 */
import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DEK_BYTES, IV_BYTES, encodeHeader } from './backup-format.ts';
import type { BackupMeta } from './backup-format.ts';

/** RSA-OAEP with SHA-512 for both the label hash and MGF1 (node uses oaepHash for MGF1 too). */
export function wrapKey(publicKey: KeyObject, dek: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, dek);
}

/** A stream that turns plaintext into a complete v1 container. */
export function createBackupEncryptor(publicKey: KeyObject, meta: BackupMeta): Transform {
  const dek = randomBytes(DEK_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header = encodeHeader(meta, wrapKey(publicKey, dek), iv);
  const cipher = createCipheriv('aes-256-gcm', dek, iv);
  cipher.setAAD(header);
  dek.fill(0);
  let started = false;
  const start = (t: Transform): void => { if (!started) { started = true; t.push(header); } };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      start(this);
      cb(null, cipher.update(chunk));
    },
    flush(cb: TransformCallback) {
      start(this);
      try {
        this.push(cipher.final());
        cb(null, cipher.getAuthTag());
      } catch (err) { cb(err as Error); }
    },
  });
}
