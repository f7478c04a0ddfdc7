/**
 * @module The production checklist of one install folder, read-only: .env and secret modes, the
 * serving certificate, redirect-URI enforcement, transport security, backups and SFTP pinning,
 * the audit chain and the clock. Each check stands alone, so one broken file never hides the rest.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { resolveInstallPath } from '../../config/load-config.ts';
import { loadPublicKey } from '../../keys/rsa-key-pair.ts';
import { verifyAuditLog } from '../../audit/verify-audit-log.ts';
import { checkpointPath } from '../../audit/open-logs.ts';
import { hostFieldMatches, parseKnownHosts } from '../backup/sftp/known-hosts.ts';
import { errorMessage } from '../../lib/errors.ts';
import { failed, pass, warn } from './doctor-result.ts';
import type { DoctorCheck } from './doctor-result.ts';

const DAY_MS = 86_400_000;

function modeOf(path: string): number { return statSync(path).mode & 0o777; }

export function checkEnvFile(root: string): DoctorCheck {
  const path = join(root, '.env');
  if (!existsSync(path)) return failed('.env', `no .env in ${root}`, 'run aibridge setup (or copy .env.example to .env and edit it)');
  const mode = modeOf(path);
  if (mode & 0o077) return failed('.env mode', `.env is readable by group or others (mode ${mode.toString(8)})`, 'chmod 600 .env');
  return pass('.env mode', `mode ${mode.toString(8)}`);
}

/** Public halves (the JWT verification key, the serving certificate) may be world-readable. */
const PUBLIC_FILE = /(_public\.pem|\.crt|\.pub)$/;

/** Every file under a secrets folder: mode without group/other bits (public halves excepted), and readable by us. */
function secretProblems(dir: string, out: string[], depth = 0): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) { if (depth < 3) secretProblems(p, out, depth + 1); continue; }
    if (st.mode & 0o077 && !PUBLIC_FILE.test(name)) out.push(`${p} is mode ${(st.mode & 0o777).toString(8)}`);
    try { readFileSync(p, { flag: 'r' }).subarray(0, 0); } catch (err) { out.push(`${p} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`); }
  }
}

export function checkSecrets(config: Config): DoctorCheck {
  const dir = config.paths.secretsDir;
  if (!existsSync(dir)) return warn('secrets/', `${dir} does not exist yet`, 'run aibridge serve once: it creates the keys with mode 600 in a 700 folder');
  try {
    const problems: string[] = [];
    const mode = modeOf(dir);
    if (mode & 0o077) problems.push(`${dir} is mode ${mode.toString(8)}`);
    secretProblems(dir, problems);
    const clients = config.paths.clientsDir;
    if (existsSync(clients)) for (const c of readdirSync(clients)) { const s = join(clients, c, 'secrets'); if (existsSync(s)) secretProblems(s, problems); }
    if (problems.length) return failed('secrets/ modes', `${problems.length} problem(s): ${problems.slice(0, 3).join('; ')}`, 'chmod 700 the secrets folders and 600 every file in them; owner = the service account');
    return pass('secrets/ modes', 'folders 700, secret files 600, all readable');
  } catch (err) {
    return failed('secrets/ modes', `cannot inspect ${dir}: ${errorMessage(err)}`, 'run doctor as the service account that owns the install');
  }
}

export function checkServerCert(config: Config, now: Date): DoctorCheck {
  const e = config.env;
  const caSigned = e.TLS_CA_SIGNED_CERT_FILE ? resolveInstallPath(config.paths.root, e.TLS_CA_SIGNED_CERT_FILE) : undefined;
  const path = caSigned ?? join(config.paths.secretsDir, 'server.crt');
  if (!existsSync(path)) return warn('server certificate', `${path} does not exist yet`, caSigned ? 'fix TLS_CA_SIGNED_CERT_FILE' : 'run aibridge serve once (it generates a self-signed certificate), then install a CA-signed one');
  let cert: X509Certificate;
  try { cert = new X509Certificate(readFileSync(path)); } catch (err) {
    return failed('server certificate', `${path} is not a readable PEM certificate: ${errorMessage(err)}`, 'install a PEM certificate (full chain, leaf first)');
  }
  const days = Math.floor((Date.parse(cert.validTo) - now.getTime()) / DAY_MS);
  const until = `expires ${new Date(cert.validTo).toISOString().slice(0, 10)} (${days} days)`;
  if (days < 0) return failed('server certificate', `expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}`, 'renew the certificate');
  const selfSigned = cert.issuer === cert.subject && cert.verify(cert.publicKey);
  if (days < 30) return warn('server certificate', `${selfSigned ? 'self-signed' : 'CA-signed'}, ${until}`, 'renew it before it expires');
  if (selfSigned) return warn('server certificate', `self-signed, ${until}`, 'install a CA-signed certificate (TLS_CA_SIGNED_CERT_FILE / TLS_CA_SIGNED_KEY_FILE) so agents need no trust exception');
  return pass('server certificate', `CA-signed by ${cert.issuer.split('\n').find((l) => l.startsWith('CN=')) ?? cert.issuer.split('\n')[0]}, ${until}`);
}

export function checkPolicy(config: Config): DoctorCheck[] {
  const e = config.env;
  return [
    e.AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT === 'strict' ? pass('redirect-URI enforcement', 'strict')
      : warn('redirect-URI enforcement', 'off: an OAuth client may be sent to any redirect_uri', 'set AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT=strict and list each client\'s URIs in AUTH_OAUTH_REDIRECT_URIS'),
    e.MCP_SERVER_SECURITY_TRANSPORT_ENABLED ? pass('transport security', `Host/Origin checked (${e.MCP_SERVER_SECURITY_ALLOWED_HOSTS.length} hosts)`)
      : failed('transport security', 'MCP_SERVER_SECURITY_TRANSPORT_ENABLED=0: DNS rebinding is not prevented', 'set MCP_SERVER_SECURITY_TRANSPORT_ENABLED=1'),
  ];
}

export function checkBackups(config: Config): DoctorCheck {
  const e = config.env;
  if (!e.BACKUP_ENABLED) return warn('backups', 'scheduled backups are off', 'set BACKUP_ENABLED=1 (and BACKUP_SFTP_HOST for an off-host copy)');
  if (!e.BACKUP_SFTP_HOST) return warn('backups', `every ${e.BACKUP_INTERVAL_HOURS} h, local only`, 'set BACKUP_SFTP_HOST so a copy leaves the machine');
  const kh = resolveInstallPath(config.paths.root, e.BACKUP_SFTP_KNOWN_HOSTS);
  const fix = `ssh-keyscan -p ${e.BACKUP_SFTP_PORT} ${e.BACKUP_SFTP_HOST} >> ${e.BACKUP_SFTP_KNOWN_HOSTS} (check the fingerprint out of band)`;
  if (!existsSync(kh)) return failed('backups: SFTP pinned', `${kh} does not exist: no transfer can happen`, fix);
  try {
    const entries = parseKnownHosts(readFileSync(kh, 'utf8')).filter((x) => x.marker === '' && hostFieldMatches(x.hosts, e.BACKUP_SFTP_HOST, e.BACKUP_SFTP_PORT));
    if (entries.length === 0) return failed('backups: SFTP pinned', `${kh} has no key for ${e.BACKUP_SFTP_HOST}:${e.BACKUP_SFTP_PORT}`, fix);
    return pass('backups: SFTP pinned', `every ${e.BACKUP_INTERVAL_HOURS} h to ${e.BACKUP_SFTP_HOST}, ${entries.length} pinned key(s)`);
  } catch (err) {
    return failed('backups: SFTP pinned', `cannot read ${kh}: ${errorMessage(err)}`, fix);
  }
}

/** The audit chain, and the clock against its newest record (a clock behind the log breaks ordering and token expiry). */
export function checkAuditAndClock(config: Config, now: Date): DoctorCheck[] {
  const log = join(config.paths.logsDir, 'audit.log');
  const clockFix = 'synchronise the clock (NTP: timedatectl set-ntp true)';
  const clockOk = now.getUTCFullYear() >= 2025 ? pass('clock', now.toISOString()) : failed('clock', `system clock says ${now.toISOString()}`, clockFix);
  if (!existsSync(log)) return [warn('audit chain', 'no audit log yet', 'run aibridge serve once'), clockOk];
  try {
    const pub = existsSync(config.paths.rsaPublicKey) ? loadPublicKey(config.paths.rsaPublicKey) : undefined;
    const r = verifyAuditLog({ logsDir: config.paths.logsDir, checkpointPath: checkpointPath(config), publicKey: pub });
    if (!r.ok) return [failed('audit chain', `broken at ${r.file} line ${r.line}: ${r.reason}`, 'keep the files as evidence; aibridge audit verify shows the details'), clockOk];
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    const lastTs = Date.parse((JSON.parse(lines[lines.length - 1] ?? '{}') as { ts?: string }).ts ?? '');
    const chain = pass('audit chain', `${r.records} records verify (checkpoint ${r.checkpoint})`);
    if (Number.isFinite(lastTs) && lastTs - now.getTime() > 5 * 60_000) {
      return [chain, failed('clock', `system clock ${now.toISOString()} is behind the newest audit record (${new Date(lastTs).toISOString()})`, clockFix)];
    }
    return [chain, clockOk];
  } catch (err) {
    return [failed('audit chain', `cannot verify: ${errorMessage(err)}`, 'run aibridge audit verify for details'), clockOk];
  }
}
