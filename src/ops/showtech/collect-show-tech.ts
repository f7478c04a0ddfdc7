/**
 * @module The support bundle's content (Operations, "Show Tech" → "What Is Included"): version,
 * runtime and OS, the redacted .env, app.log and audit.log (unless --no-logs), the manifest check,
 * the license state, client names, bundled dependency versions, and the list (names only) of
 * backups. Never: private keys, tokens, client secrets, Cisco credentials, backups, license.jwt.
 */
import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { arch, cpus, freemem, hostname, loadavg, release, totalmem, type, uptime } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { VERSION } from '../../lib/version.ts';
import { isSingleExecutable } from '../../lib/assets.ts';
import { redactText } from '../../lib/redact.ts';
import { runningServerPid } from '../../lib/pid-file.ts';
import { isBackupFileName } from '../backup/backup-name.ts';
import { runIntegrityCheck } from '../integrity/run-integrity.ts';
import { BUNDLED_DEPENDENCIES } from './bundled-dependencies.ts';
import { redactEnvText } from './redact-env.ts';

const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

function systemText(config: Config): string {
  let disk = 'unknown';
  try { const s = statfsSync(config.paths.root); disk = `${((s.bavail * s.bsize) / 1e9).toFixed(1)} GB free of ${((s.blocks * s.bsize) / 1e9).toFixed(1)} GB`; } catch { /* not available */ }
  const pid = runningServerPid(config.paths.root);
  return [
    `aibridge ${VERSION}`, `generated ${new Date().toISOString()}`, `host ${hostname()}`,
    `runtime node ${process.versions.node}, openssl ${process.versions.openssl}, zlib ${process.versions.zlib}, single executable: ${isSingleExecutable()}`,
    `os ${type()} ${release()} ${arch()}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, uptime ${Math.round(uptime())} s`,
    `memory ${(freemem() / 1e9).toFixed(1)} GB free of ${(totalmem() / 1e9).toFixed(1)} GB`,
    `install ${config.paths.root}, disk ${disk}`, `server ${pid ? `running (pid ${pid})` : 'not running'}`, '',
  ].join('\n');
}

function clientNames(config: Config): string {
  const dir = config.paths.clientsDir;
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => CLIENT_NAME.test(n)).sort() : [];
  return `${names.length} client folder(s) in ${dir}:\n${names.map((n) => `- ${n}`).join('\n')}\n`;
}

function backupsText(config: Config): string {
  const dir = config.paths.backupsDir;
  const names = existsSync(dir) ? readdirSync(dir).filter(isBackupFileName).sort() : [];
  return `${names.length} backup(s) in ${dir} (names only; archives are never collected):\n${names.map((n) => `- ${n}`).join('\n')}\n`;
}

export async function collectShowTech(config: Config, withLogs: boolean): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  files['system.txt'] = systemText(config);
  files['env.redacted.txt'] = existsSync(config.paths.envFile) ? redactEnvText(readFileSync(config.paths.envFile, 'utf8')) : '(no .env: all defaults)\n';
  const integrity = isSingleExecutable() || existsSync(join(config.paths.root, 'manifest.json'))
    ? await runIntegrityCheck(config.paths.root)
    : undefined;
  files['integrity.txt'] = integrity
    ? `${integrity.ok ? 'OK' : 'FAILED'}: signature ${integrity.signature}, ${integrity.checked} files checked, version ${integrity.version ?? '?'}\n${integrity.lines.join('\n')}\n`
    : 'not checked: running from source (no release manifest)\n';
  files['license.txt'] = 'aibridge needs no license file: license state NOT_APPLICABLE (secrets/license.jwt is never collected)\n';
  files['clients.txt'] = clientNames(config);
  files['dependencies.json'] = `${JSON.stringify({ aibridge: VERSION, runtime: process.versions, bundled: BUNDLED_DEPENDENCIES }, null, 2)}\n`;
  files['backups.txt'] = backupsText(config);
  if (withLogs) {
    for (const name of ['app.log', 'audit.log']) {
      const p = join(config.paths.logsDir, name);
      if (existsSync(p)) files[`logs/${name}`] = redactText(readFileSync(p, 'utf8'));
    }
  }
  return files;
}
