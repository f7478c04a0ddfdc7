/** @module Start-up step 2 (also used by CLI commands that audit): app.log and audit.log. */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config/load-config.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { AuditLog } from './audit-log.ts';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { signPss, verifyPss } from '../keys/pss-signature.ts';

/** Path of the signed audit checkpoint (outside the log folder). */
export function checkpointPath(config: Config): string {
  return join(config.paths.secretsDir, 'audit.checkpoint');
}

export function openAppLog(config: Config, consoleEnabled = config.env.LOGGING_CONSOLE_ENABLED): Logger {
  return createLogger({
    dir: config.paths.logsDir, level: config.env.LOGGING_LEVEL, rotateSize: config.env.LOGGING_ROTATE_SIZE,
    rotateFiles: config.env.LOGGING_ROTATE_FILES, console: consoleEnabled, stderr: true,
  });
}

/**
 * The checkpoint verifier: the current key, or a key archived by `aibridge rotate` (the last
 * checkpoint before a rotation is signed with the old key, and is still genuine).
 */
export function verifyWith(publicKey: KeyObject, secretsDir: string): (data: Buffer, sig: Buffer) => boolean {
  let archived: KeyObject[] | undefined;
  return (data, sig) => {
    if (verifyPss(publicKey, data, sig)) return true;
    archived ??= archivedPublicKeys(secretsDir);
    return archived.some((k) => verifyPss(k, data, sig));
  };
}

function archivedPublicKeys(secretsDir: string): KeyObject[] {
  const out: KeyObject[] = [];
  let names: string[] = [];
  // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  try { names = readdirSync(secretsDir).filter((n) => /\.archived\.\d{8}(-\d+)?$/.test(n) && n.includes('private')); } catch { return out; }
  for (const n of names) {
    try { out.push(createPublicKey(createPrivateKey(readFileSync(join(secretsDir, n), 'utf8')))); } catch { /* not a key: ignore */ }
  }
  return out;
}

/** Open audit.log; with a private key, checkpoints are signed. */
export function openAuditLog(config: Config, privateKey?: KeyObject): AuditLog {
  return AuditLog.open({
    dir: config.paths.logsDir, rotateSize: config.env.LOGGING_ROTATE_SIZE, rotateFiles: config.env.LOGGING_ROTATE_FILES,
    checkpointPath: checkpointPath(config), retentionDays: config.env.AUDIT_RETENTION_DAYS,
    ...(config.env.STATE_BACKEND === 'valkey' ? { instance: config.env.INSTANCE_NAME || `${hostname()}:${config.env.MCP_SERVER_PORT}` } : {}),
    ...(privateKey ? { sign: (data: Buffer) => signPss(privateKey, data), verify: verifyWith(createPublicKey(privateKey), config.paths.secretsDir) } : {}),
  });
}
