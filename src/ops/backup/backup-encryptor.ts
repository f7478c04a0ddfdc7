/**
 * @module The sealing half of the container (backup-format.ts): a Transform that emits the header,
 * the AES-256-GCM ciphertext of whatever is piped in, the tag, then the RSA-PSS signature of the
 * whole container by the server's private key (backup-format.ts explains why the signature, not
 * GCM, is what makes a backup authentic).
 */
import { constants, createCipheriv, createHash, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { signPss } from '../../keys/pss-signature.ts';
import { Transform, type TransformCallback } from 'node:stream';
import { DEK_BYTES, IV_BYTES, SIGNED_PREFIX, SIG_LEN_BYTES, encodeHeader } from './backup-format.ts';
import type { BackupMeta } from './backup-format.ts';

/** RSA-OAEP with SHA-512 for both the label hash and MGF1 (node uses oaepHash for MGF1 too). */
export function wrapKey(publicKey: KeyObject, dek: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, dek);
}

/** The signed message: a fixed prefix and the SHA-512 digest of every byte before the signature. */
export function signedMessage(contentDigest: Buffer): Buffer {
  return Buffer.concat([SIGNED_PREFIX, contentDigest]);
}

/** A stream that turns plaintext into a complete v2 container, signed with `privateKey`. */
export function createBackupEncryptor(privateKey: KeyObject, meta: BackupMeta): Transform {
  if (privateKey.type !== 'private') throw new TypeError('createBackupEncryptor needs the server private key (backups are signed)');
  const dek = randomBytes(DEK_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header = encodeHeader(meta, wrapKey(createPublicKey(privateKey), dek), iv);
  const cipher = createCipheriv('aes-256-gcm', dek, iv);
  cipher.setAAD(header);
  dek.fill(0);
  const digest = createHash('sha512');
  let started = false;
  const out = (t: Transform, b: Buffer): void => { digest.update(b); t.push(b); };
  const start = (t: Transform): void => { if (!started) { started = true; out(t, header); } };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      start(this);
      out(this, cipher.update(chunk));
      cb();
    },
    flush(cb: TransformCallback) {
      start(this);
      try {
        out(this, cipher.final());
        out(this, cipher.getAuthTag());
        const sig = signPss(privateKey, signedMessage(digest.digest()));
        const len = Buffer.alloc(SIG_LEN_BYTES);
        len.writeUInt16BE(sig.length, 0);
        cb(null, Buffer.concat([sig, len]));
      } catch (err) { cb(err as Error); }
    },
  });
}
