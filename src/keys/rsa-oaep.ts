/**
 * @module RSA-OAEP as aibridge uses it everywhere (backup data keys, the SFTP password): SHA-512 for
 * the label hash and for MGF1 (node's oaepHash sets both). One definition, so no caller can wrap
 * with other parameters (a key wrapped with OAEP-SHA1 does not unwrap; T-BK-07).
 */
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' } as const;

export function oaepEncrypt(publicKey: KeyObject, plain: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, ...OAEP }, plain);
}

/** Throws (node's error) when the block was altered or made with other parameters or another key. */
export function oaepDecrypt(privateKey: KeyObject, wrapped: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, ...OAEP }, wrapped);
}
