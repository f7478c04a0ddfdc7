/**
 * @module BACKUP_SFTP_PASSWORD_ENC: the SFTP password encrypted with RSA-OAEP (SHA-512, MGF1-SHA512)
 * under the server public key, as "rsa-oaep-sha512:<base64>". Only this install's private key can
 * recover it; `aibridge rotate` re-encrypts it under the new key.
 */
import type { KeyObject } from 'node:crypto';
import { oaepDecrypt, oaepEncrypt } from '../../../keys/rsa-oaep.ts';
import { AppError } from '../../../lib/errors.ts';

const PREFIX = 'rsa-oaep-sha512:';

export function encryptSftpPassword(publicKey: KeyObject, password: string): string {
  if (password === '' || /[\r\n\0]/.test(password)) throw new AppError('E_USAGE', 'The SFTP password must be one non-empty line', { hint: 'type it again' });
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > 200) throw new AppError('E_USAGE', 'The SFTP password is longer than 200 bytes', { hint: 'use key authentication (BACKUP_SFTP_AUTH=key) for long secrets' });
  return PREFIX + oaepEncrypt(publicKey, bytes).toString('base64');
}

export function decryptSftpPassword(privateKey: KeyObject, value: string): string {
  if (!value.startsWith(PREFIX)) {
    throw new AppError('E_CONFIG_INVALID', 'BACKUP_SFTP_PASSWORD_ENC is not in the rsa-oaep-sha512 format', { hint: 'run "aibridge sftp-password encrypt" to set it' });
  }
  try {
    return oaepDecrypt(privateKey, Buffer.from(value.slice(PREFIX.length), 'base64')).toString('utf8');
  } catch {
    throw new AppError('E_CONFIG_INVALID', 'BACKUP_SFTP_PASSWORD_ENC cannot be decrypted with the server private key', { hint: 'it was made for another key; run "aibridge sftp-password encrypt" again' });
  }
}
