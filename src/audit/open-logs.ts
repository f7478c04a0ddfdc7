/** @module Start-up step 2 (also used by CLI commands that audit): app.log and audit.log. */
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config/load-config.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { AuditLog } from './audit-log.ts';
import { createPublicKey } from 'node:crypto';
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

function verifyWith(publicKey: KeyObject): (data: Buffer, sig: Buffer) => boolean {
  return (data, sig) => verifyPss(publicKey, data, sig);
}

/** Open audit.log; with a private key, checkpoints are signed. */
export function openAuditLog(config: Config, privateKey?: KeyObject): AuditLog {
  return AuditLog.open({
    dir: config.paths.logsDir, rotateSize: config.env.LOGGING_ROTATE_SIZE, rotateFiles: config.env.LOGGING_ROTATE_FILES,
    checkpointPath: checkpointPath(config), retentionDays: config.env.AUDIT_RETENTION_DAYS,
    ...(privateKey ? { sign: (data: Buffer) => signPss(privateKey, data), verify: verifyWith(createPublicKey(privateKey)) } : {}),
  });
}
