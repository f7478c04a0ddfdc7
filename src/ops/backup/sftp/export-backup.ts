/**
 * @module Copy a finished backup and its sidecar to the SFTP server: each file is uploaded to a
 * dot-temp name and renamed, so no partial file ever carries the final name (T-BK-14); then keep
 * the newest BACKUP_SFTP_RETENTION remote backups. Bounded retries on transport errors only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../../../config/load-config.ts';
import { resolveInstallPath } from '../../../config/load-config.ts';
import { AppError, isAppError } from '../../../lib/errors.ts';
import { loadPrivateKey } from '../../../keys/rsa-key-pair.ts';
import { backupSortKey, isBackupFileName } from '../backup-name.ts';
import { sidecarPath } from '../sidecar.ts';
import { parseKnownHosts } from './known-hosts.ts';
import { decryptSftpPassword } from './sftp-password.ts';
import { openSftp, type SftpLogin, type SftpSession } from './sftp-session.ts';

export interface ExportResult { remote: string; removed: string[]; attempts: number }

/** Build the login from .env; throws before any network I/O when something is missing. */
export function sftpLogin(config: Config): SftpLogin {
  const e = config.env;
  const root = config.paths.root;
  const knownHostsPath = resolveInstallPath(root, e.BACKUP_SFTP_KNOWN_HOSTS);
  if (!existsSync(knownHostsPath)) {
    throw new AppError('E_HOST_KEY', `SFTP export aborted: known_hosts file "${knownHostsPath}" (BACKUP_SFTP_KNOWN_HOSTS) does not exist; no connection was made`, {
      hint: `add the server's host key after checking its fingerprint out of band: ssh-keyscan -p ${e.BACKUP_SFTP_PORT} ${e.BACKUP_SFTP_HOST} >> ${knownHostsPath}`,
    });
  }
  if (!e.BACKUP_SFTP_USER) throw new AppError('E_CONFIG_INVALID', 'BACKUP_SFTP_USER is empty', { hint: 'set the SFTP user name in .env' });
  const login: SftpLogin = { host: e.BACKUP_SFTP_HOST, port: e.BACKUP_SFTP_PORT, user: e.BACKUP_SFTP_USER, knownHosts: parseKnownHosts(readFileSync(knownHostsPath, 'utf8')), knownHostsPath };
  if (e.BACKUP_SFTP_AUTH === 'key') {
    const keyFile = resolveInstallPath(root, e.BACKUP_SFTP_KEY_FILE);
    try { login.privateKey = readFileSync(keyFile); } catch (err) {
      throw new AppError('E_CONFIG_INVALID', `Cannot read the SFTP key "${keyFile}" (BACKUP_SFTP_KEY_FILE): ${(err as NodeJS.ErrnoException).code ?? ''}`, { hint: 'create it with ssh-keygen -t ed25519 -N "" -f secrets/backup_ssh_key and authorise its .pub on the server' });
    }
  } else {
    if (!e.BACKUP_SFTP_PASSWORD_ENC) throw new AppError('E_CONFIG_INVALID', 'BACKUP_SFTP_AUTH=password but BACKUP_SFTP_PASSWORD_ENC is empty', { hint: 'run "aibridge sftp-password encrypt"' });
    login.password = decryptSftpPassword(loadPrivateKey(config.paths.rsaPrivateKey), e.BACKUP_SFTP_PASSWORD_ENC);
  }
  return login;
}

function remoteJoin(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

async function uploadAtomically(s: SftpSession, local: string, dir: string): Promise<string> {
  const final = remoteJoin(dir, basename(local));
  const temp = remoteJoin(dir, `.${basename(local)}.part`);
  try {
    await s.put(local, temp);
    await s.rename(temp, final);
  } catch (err) {
    await s.unlink(temp).catch(() => undefined);
    throw err;
  }
  return final;
}

async function remoteRetention(s: SftpSession, dir: string, keep: number): Promise<string[]> {
  const names = await s.list(dir);
  const backups = names.filter(isBackupFileName).sort((a, b) => backupSortKey(a).localeCompare(backupSortKey(b)));
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const n of removed) {
    await s.unlink(remoteJoin(dir, n)).catch(() => undefined);
    await s.unlink(remoteJoin(dir, `${n}.sha512`)).catch(() => undefined);
  }
  return removed;
}

/** Upload `file` (+ sidecar); retries transport failures up to `attempts` times. */
export async function exportBackup(config: Config, file: string, attempts = 3, delayMs = 2000): Promise<ExportResult> {
  const login = sftpLogin(config);
  const dir = config.env.BACKUP_SFTP_REMOTE_PATH || '.';
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    let s: SftpSession | undefined;
    try {
      s = await openSftp(login);
      await s.mkdirp(dir);
      await uploadAtomically(s, sidecarPath(file), dir);
      const remote = await uploadAtomically(s, file, dir);
      const removed = await remoteRetention(s, dir, config.env.BACKUP_SFTP_RETENTION);
      return { remote, removed, attempts: i };
    } catch (err) {
      last = err;
      if (isAppError(err) && err.code !== 'E_SFTP') throw err;
      if (isAppError(err) && /login .* was refused|subsystem/i.test(err.message)) throw err;
    } finally { s?.close(); }
    if (i < attempts) await new Promise((r) => setTimeout(r, delayMs * i));
  }
  if (isAppError(last)) throw last;
  throw new AppError('E_SFTP', `SFTP upload failed after ${attempts} attempts: ${(last as Error).message}`, { hint: 'the local backup is kept; check the server\'s free space and the network', cause: last });
}
