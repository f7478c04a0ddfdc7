/**
 * @module `aibridge sftp-password encrypt|verify`: store BACKUP_SFTP_PASSWORD_ENC in .env (atomic,
 * every other line kept) and check that it decrypts to a given password.
 */
import { existsSync, readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Config } from '../../../config/load-config.ts';
import { AppError } from '../../../lib/errors.ts';
import { writeFileAtomicSync } from '../../../lib/atomic-write.ts';
import { loadPrivateKey, loadPublicKey } from '../../../keys/rsa-key-pair.ts';
import { setEnvValue } from '../../common/env-text.ts';
import { decryptSftpPassword, encryptSftpPassword } from './sftp-password.ts';

function needKey(path: string): void {
  if (!existsSync(path)) throw new AppError('E_KEY_INVALID', `The server key "${path}" does not exist`, { hint: 'run "aibridge serve" once to create the key pair' });
}

/** Encrypt under the server public key and write it into .env. */
export function storeSftpPassword(config: Config, password: string): void {
  needKey(config.paths.rsaPublicKey);
  const value = encryptSftpPassword(loadPublicKey(config.paths.rsaPublicKey), password);
  const text = existsSync(config.paths.envFile) ? readFileSync(config.paths.envFile, 'utf8') : '';
  writeFileAtomicSync(config.paths.envFile, setEnvValue(text, 'BACKUP_SFTP_PASSWORD_ENC', value, ['SFTP password, RSA-OAEP encrypted for this install (aibridge sftp-password encrypt)']), { mode: 0o600 });
}

/** True when BACKUP_SFTP_PASSWORD_ENC decrypts to `password`. */
export function verifySftpPassword(config: Config, password: string): boolean {
  if (!config.env.BACKUP_SFTP_PASSWORD_ENC) throw new AppError('E_CONFIG_INVALID', 'BACKUP_SFTP_PASSWORD_ENC is not set in .env', { hint: 'run "aibridge sftp-password encrypt"' });
  needKey(config.paths.rsaPrivateKey);
  const stored = decryptSftpPassword(loadPrivateKey(config.paths.rsaPrivateKey), config.env.BACKUP_SFTP_PASSWORD_ENC);
  const a = createHash('sha256').update(stored).digest();
  const b = createHash('sha256').update(password).digest();
  return timingSafeEqual(a, b);
}
