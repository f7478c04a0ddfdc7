/** @module RSA-PSS / SHA-512 signatures (salt = digest length), for checkpoints and manifests. */
import { constants, sign, verify, type KeyObject } from 'node:crypto';

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

export function signPss(privateKey: KeyObject, data: Buffer): Buffer {
  return sign('sha512', data, { key: privateKey, ...PSS });
}

export function verifyPss(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try { return verify('sha512', data, { key: publicKey, ...PSS }, signature); } catch { return false; }
}
