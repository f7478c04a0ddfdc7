/**
 * @module AES-256-GCM as aibridge uses it (credentials files, backup bodies): a 32-byte key, a
 * 96-bit IV that is never reused with a key (callers draw it with randomBytes), additional data
 * bound at creation and a 16-byte tag. Lengths are checked here once, so a short key or IV fails
 * loudly instead of weakening the cipher.
 */
import { createCipheriv, createDecipheriv, type CipherGCM, type DecipherGCM } from 'node:crypto';

export const GCM_KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

function checkLengths(key: Buffer, iv: Buffer): void {
  if (key.length !== GCM_KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${GCM_KEY_BYTES}-byte key, got ${key.length}`);
  if (iv.length !== GCM_IV_BYTES) throw new RangeError(`AES-256-GCM needs a ${GCM_IV_BYTES}-byte IV, got ${iv.length}`);
}

/** A cipher with `aad` bound; take the tag with getAuthTag() after final(). */
export function gcmCipher(key: Buffer, iv: Buffer, aad: Buffer): CipherGCM {
  checkLengths(key, iv);
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  c.setAAD(aad);
  return c;
}

/** A decipher with `aad` and the expected tag; final() (or the stream's end) throws when they do not match. */
export function gcmDecipher(key: Buffer, iv: Buffer, aad: Buffer, tag: Buffer): DecipherGCM {
  checkLengths(key, iv);
  if (tag.length !== GCM_TAG_BYTES) throw new RangeError(`AES-256-GCM needs a ${GCM_TAG_BYTES}-byte tag, got ${tag.length}`);
  const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  d.setAAD(aad);
  d.setAuthTag(tag);
  return d;
}
