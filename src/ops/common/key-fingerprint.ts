/** @module SHA-256 of a public key's SPKI DER (hex): names the key a backup was encrypted for. */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}
