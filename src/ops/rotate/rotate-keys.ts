/**
 * @module `aibridge rotate`: archive the RSA pair as *.archived.YYYYMMDD[-N], generate a new pair
 * (AUTH_RSA_KEY_SIZE bits), re-encrypt BACKUP_SFTP_PASSWORD_ENC under it, and re-sign the audit
 * checkpoint with it. Refuses while the server runs. At the next start every JWT is reissued
 * (its signature no longer verifies); old backups restore with --key <archived private key>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Config } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import { writeFileAtomicSync, fsyncDirSync } from '../../lib/atomic-write.ts';
import { keysMatch, loadPrivateKey, loadPublicKey } from '../../keys/rsa-key-pair.ts';
import { runningServerPid } from '../../lib/pid-file.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';
import { setEnvValue } from '../common/env-text.ts';
import { decryptSftpPassword, encryptSftpPassword } from '../backup/sftp/sftp-password.ts';
import { archiveSuffix } from './archive-name.ts';
import { NEW_SUFFIX, commitJournal, writeJournal } from './rotation-journal.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface RotateResult { archivedPrivate: string; archivedPublic: string; bits: number; oldFingerprint: string; newFingerprint: string; sftpPasswordReencrypted: boolean }

function copyArchive(from: string, to: string, mode: number): void {
  writeFileAtomicSync(to, readFileSync(from), { mode });
}

function loadCurrentPair(config: Config): { privateKey: KeyObject; publicKey: KeyObject } {
  const p = config.paths;
  if (!existsSync(p.rsaPrivateKey) || !existsSync(p.rsaPublicKey)) {
    throw new AppError('E_KEY_INVALID', `Nothing to rotate: "${p.rsaPrivateKey}" or "${p.rsaPublicKey}" does not exist`, { hint: 'run "aibridge serve" once to create the key pair' });
  }
  const privateKey = loadPrivateKey(p.rsaPrivateKey);
  const publicKey = loadPublicKey(p.rsaPublicKey);
  if (!keysMatch(privateKey, publicKey)) throw new AppError('E_KEY_MISMATCH', `"${p.rsaPrivateKey}" does not match "${p.rsaPublicKey}"`, { hint: 'restore the matching pair from a backup before rotating' });
  return { privateKey, publicKey };
}

/** Rotate; the caller holds the operations lock and has run recovery. */
export async function rotateKeys(config: Config, now = new Date()): Promise<RotateResult> {
  const p = config.paths;
  const pid = runningServerPid(p.root);
  if (pid) throw new AppError('E_RUNNING', `Cannot rotate keys while the server runs (pid ${pid})`, { hint: 'stop it first (SIGTERM or docker compose down), rotate, then start it again' });
  const old = loadCurrentPair(config);
  const bits = config.env.AUTH_RSA_KEY_SIZE;
  const fresh = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const targets = [p.rsaPrivateKey, p.rsaPublicKey];
  let envText: string | undefined;
  if (config.env.BACKUP_SFTP_PASSWORD_ENC) {
    const password = decryptSftpPassword(old.privateKey, config.env.BACKUP_SFTP_PASSWORD_ENC);
    envText = setEnvValue(readFileSync(p.envFile, 'utf8'), 'BACKUP_SFTP_PASSWORD_ENC', encryptSftpPassword(fresh.publicKey, password));
    targets.push(p.envFile);
  }
  const suffix = archiveSuffix(p.rsaPrivateKey, p.rsaPublicKey, now);
  const archivedPrivate = p.rsaPrivateKey + suffix;
  const archivedPublic = p.rsaPublicKey + suffix;
  copyArchive(p.rsaPrivateKey, archivedPrivate, 0o600);
  copyArchive(p.rsaPublicKey, archivedPublic, 0o644);
  writeFileAtomicSync(p.rsaPrivateKey + NEW_SUFFIX, fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileAtomicSync(p.rsaPublicKey + NEW_SUFFIX, fresh.publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
  if (envText !== undefined) writeFileAtomicSync(p.envFile + NEW_SUFFIX, envText, { mode: 0o600 });
  const journal = { targets, archivedPrivate, archivedPublic };
  writeJournal(p.secretsDir, journal);
  commitJournal(p.secretsDir, journal);
  fsyncDirSync(p.secretsDir);
  return {
    archivedPrivate: basename(archivedPrivate), archivedPublic: basename(archivedPublic), bits,
    oldFingerprint: keyFingerprint(old.publicKey), newFingerprint: keyFingerprint(fresh.publicKey), sftpPasswordReencrypted: envText !== undefined,
  };
}
