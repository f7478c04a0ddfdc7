/**
 * @module The sealing half of the container (backup-format.ts): a Transform that emits the header,
 * the AES-256-GCM ciphertext of whatever is piped in, the tag, then the RSA-PSS signature of the
 * whole container by the server's private key (backup-format.ts explains why the signature, not
 * GCM, is what makes a backup authentic). One SHA-512 pass over the output gives both the signed
 * digest (a copy of the running hash taken just before the signature) and the digest of the
 * whole file for the `.sha512` sidecar, so no byte is hashed twice (issue 20).
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { oaepEncrypt } from '../../keys/rsa-oaep.ts';
import { gcmCipher } from '../../keys/aes-gcm.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { Transform, type TransformCallback } from 'node:stream';
import { DEK_BYTES, FORMAT_VERSION, IV_BYTES, SIG_LEN_BYTES, encodeHeader, signedPrefix } from './backup-format.ts';
import type { BackupMeta } from './backup-format.ts';

/** The data key wrapped for the install's key pair (RSA-OAEP, SHA-512, MGF1-SHA512). */
export function wrapKey(publicKey: KeyObject, dek: Buffer): Buffer {
  return oaepEncrypt(publicKey, dek);
}

/** The signed message: the version's prefix and the SHA-512 digest of every byte before the signature. */
export function signedMessage(contentDigest: Buffer, version: number = FORMAT_VERSION): Buffer {
  return Buffer.concat([signedPrefix(version), contentDigest]);
}

/** What the encryptor wrote, known once it has flushed: size and SHA-512 (hex) of the whole file. */
export interface SealedFile { bytes: number; sha512: string }

/**
 * A stream that turns a payload into a complete container of the current version, signed with
 * `privateKey`; `onSealed` gets the file's size and digest after the last byte.
 */
export function createBackupEncryptor(privateKey: KeyObject, meta: BackupMeta, onSealed?: (f: SealedFile) => void): Transform {
  if (privateKey.type !== 'private') throw new TypeError('createBackupEncryptor needs the server private key (backups are signed)');
  const dek = randomBytes(DEK_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header = encodeHeader(meta, wrapKey(createPublicKey(privateKey), dek), iv);
  const cipher = gcmCipher(dek, iv, header);
  dek.fill(0);
  const digest = createHash('sha512');
  let bytes = 0;
  let started = false;
  const out = (t: Transform, b: Buffer): void => { digest.update(b); bytes += b.length; t.push(b); };
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
        const sig = signPss(privateKey, signedMessage(digest.copy().digest()));
        const len = Buffer.alloc(SIG_LEN_BYTES);
        len.writeUInt16BE(sig.length, 0);
        const tail = Buffer.concat([sig, len]);
        digest.update(tail);
        onSealed?.({ bytes: bytes + tail.length, sha512: digest.digest('hex') });
        cb(null, tail);
      } catch (err) { cb(err as Error); }
    },
  });
}
