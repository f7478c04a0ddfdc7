/**
 * @module Audit events from CLI operations (backup, restore, rotation, integrity, SFTP): one
 * append per event on the install's audit.log, through the same hash chain as the server.
 * The audit log is opened read-write without a signer unless the private key is loadable, so a
 * checkpoint is written whenever possible.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../../config/load-config.ts';
import type { AuditCategory } from '../../audit/audit-record.ts';
import type { LogFields } from '../../log/logger.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { openAuditLog } from '../../audit/open-logs.ts';
import { loadPrivateKey } from '../../keys/rsa-key-pair.ts';

export type AuditSink = (category: AuditCategory, event: string, fields?: LogFields) => void;

/** Open the audit log for a one-shot CLI operation; `close()` writes a signed checkpoint. */
export function openOpsAudit(config: Config): { append: AuditSink; close(): void; log: AuditLog } {
  let key;
  try { key = existsSync(config.paths.rsaPrivateKey) ? loadPrivateKey(config.paths.rsaPrivateKey) : undefined; } catch { key = undefined; }
  const log = openAuditLog(config, key);
  return {
    log,
    append: (category, event, fields = {}) => { log.append(category, event, fields); },
    close: () => log.close(),
  };
}
