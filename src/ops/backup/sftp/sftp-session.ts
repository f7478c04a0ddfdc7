/**
 * @module One SFTP session (ssh2), opened only after the server's host key matched
 * BACKUP_SFTP_KNOWN_HOSTS: the check runs in `hostVerifier`, during key exchange, before any
 * user authentication is sent (T-BK-13). Only the key types pinned for the host are offered, so
 * the server cannot steer us to an unpinned (weaker) type.
 */
import type { Client, SFTPWrapper, ConnectConfig, FileEntryWithStats } from 'ssh2';
import { AppError } from '../../../lib/errors.ts';
import { checkHostKey, hostLookupName, pinnedAlgorithms, type KnownHostEntry, type HostKeyVerdict } from './known-hosts.ts';

export interface SftpLogin { host: string; port: number; user: string; privateKey?: Buffer; password?: string; knownHosts: KnownHostEntry[]; knownHostsPath: string; timeoutMs?: number }

export interface SftpSession {
  put(local: string, remote: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  close(): void;
}

function cb<T>(fn: (done: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));
}

function wrap(conn: Client, sftp: SFTPWrapper): SftpSession {
  return {
    put: (local, remote) => cb<void>((d) => sftp.fastPut(local, remote, { mode: 0o600 }, (e) => d(e))),
    rename: (from, to) => cb<void>((d) => {
      if (typeof sftp.ext_openssh_rename === 'function') sftp.ext_openssh_rename(from, to, (e) => d(e));
      else sftp.unlink(to, () => sftp.rename(from, to, (e) => d(e)));
    }),
    unlink: (path) => cb<void>((d) => sftp.unlink(path, (e) => d(e))),
    list: (dir) => cb<FileEntryWithStats[]>((d) => sftp.readdir(dir, (e, l) => d(e, l))).then((l) => l.map((f) => f.filename)),
    mkdirp: async (dir) => {
      let cur = dir.startsWith('/') ? '' : '.';
      for (const part of dir.split('/').filter(Boolean)) {
        cur = `${cur}/${part}`;
        await cb<void>((d) => sftp.mkdir(cur, (e) => d(null, e as unknown as undefined)));
      }
    },
    close: () => conn.end(),
  };
}

function hostKeyError(login: SftpLogin, v: Exclude<HostKeyVerdict, { ok: true }>): AppError {
  const where = hostLookupName(login.host, login.port);
  const lead = v.reason === 'unknown-host' ? `SFTP host ${where} is not in known_hosts "${login.knownHostsPath}"` : `SFTP host key of ${where} was refused: ${v.reason === 'revoked' ? 'revoked' : 'it does not match known_hosts'}`;
  return new AppError('E_HOST_KEY', `${lead} (${v.detail}); no credentials were sent`, {
    hint: `verify the server's host key fingerprint out of band, then add it: ssh-keyscan -p ${login.port} ${login.host} >> ${login.knownHostsPath}`,
  });
}

/** Connect, verify the host key, authenticate, open SFTP. */
export async function openSftp(login: SftpLogin): Promise<SftpSession> {
  const ssh2 = (await import('ssh2')).default; // loaded with the first session, not at every start-up
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let verdict: HostKeyVerdict | undefined;
    const serverHostKey = pinnedAlgorithms(login.knownHosts, login.host, login.port);
    if (serverHostKey.length === 0) { reject(hostKeyError(login, { ok: false, reason: 'unknown-host', detail: `no entry for ${hostLookupName(login.host, login.port)}` })); return; }
    const config: ConnectConfig = {
      host: login.host, port: login.port, username: login.user, readyTimeout: login.timeoutMs ?? 20_000, tryKeyboard: false,
      // A server that stops answering mid-transfer is dropped after ~30 s instead of hanging the backup.
      keepaliveInterval: 10_000, keepaliveCountMax: 3,
      algorithms: { serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      hostVerifier: (key: Buffer): boolean => { verdict = checkHostKey(login.knownHosts, login.host, login.port, key); return verdict.ok; },
      ...(login.privateKey ? { privateKey: login.privateKey } : {}),
      ...(login.password !== undefined ? { password: login.password } : {}),
    };
    conn.on('ready', () => conn.sftp((err, sftp) => (err ? (conn.end(), reject(new AppError('E_SFTP', `SFTP subsystem refused on ${login.host}: ${err.message}`, { hint: 'enable "Subsystem sftp" on the server' }))) : resolve(wrap(conn, sftp)))));
    conn.on('error', (err: Error & { level?: string }) => {
      conn.end();
      if (verdict && !verdict.ok) { reject(hostKeyError(login, verdict)); return; }
      if (err.level === 'client-authentication') { reject(new AppError('E_SFTP', `SFTP login as "${login.user}" on ${login.host} was refused`, { hint: 'check BACKUP_SFTP_USER and the key (BACKUP_SFTP_KEY_FILE) or password (aibridge sftp-password encrypt)' })); return; }
      reject(new AppError('E_SFTP', `Cannot reach SFTP server ${hostLookupName(login.host, login.port)}: ${err.message}`, { hint: 'check BACKUP_SFTP_HOST, BACKUP_SFTP_PORT and the network path' }));
    });
    try { conn.connect(config); } catch (err) {
      reject(new AppError('E_SFTP', `Cannot start the SFTP connection: ${(err as Error).message}`, { hint: 'check BACKUP_SFTP_KEY_FILE holds an unencrypted OpenSSH or PEM private key' }));
    }
  });
}
