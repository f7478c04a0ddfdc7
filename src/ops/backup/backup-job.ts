/**
 * @module One backup run, as `aibridge backup` and the watchdog do it: under the operations lock,
 * create the backup, apply local retention, export over SFTP when BACKUP_SFTP_HOST is set, and
 * audit each outcome. A failed export keeps the local backup and is reported, never hidden.
 */
import { basename } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { AppError, errorMessage, isAppError } from '../../lib/errors.ts';
import { withOpsLock } from '../common/ops-lock.ts';
import type { AuditSink } from '../common/ops-audit.ts';
import { createBackup, type BackupResult } from './create-backup.ts';
import { applyLocalRetention } from './local-retention.ts';
import { exportBackup, type ExportResult } from './sftp/export-backup.ts';

export type BackupTrigger = 'manual' | 'startup' | 'schedule' | 'pre-upgrade';

export interface BackupJobResult { backup: BackupResult; removedLocal: string[]; exported?: ExportResult; exportError?: AppError }

export interface BackupJobOptions { audit: AuditSink; trigger: BackupTrigger; export?: boolean; onProgress?: (done: number, total: number) => void; retryDelayMs?: number }

export async function runBackupJob(config: Config, options: BackupJobOptions): Promise<BackupJobResult> {
  return withOpsLock(config.paths.root, 'backup', async () => {
    let backup: BackupResult;
    try {
      backup = await createBackup(config, options.onProgress ? { onProgress: options.onProgress } : {});
    } catch (err) {
      options.audit('SERVER', 'backup_failed', { trigger: options.trigger, reason: errorMessage(err) });
      throw err;
    }
    options.audit('SERVER', 'backup_created', { trigger: options.trigger, file: basename(backup.file), bytes: backup.bytes, sha512: backup.sha512, files: backup.files });
    const removedLocal = applyLocalRetention(config.paths.backupsDir, config.env.BACKUP_RETENTION);
    if (removedLocal.length) options.audit('SERVER', 'backup_retention', { removed: removedLocal });
    const result: BackupJobResult = { backup, removedLocal };
    if (config.env.BACKUP_SFTP_HOST && options.export !== false) {
      const target = { host: config.env.BACKUP_SFTP_HOST, port: config.env.BACKUP_SFTP_PORT, user: config.env.BACKUP_SFTP_USER };
      try {
        result.exported = await exportBackup(config, backup.file, 3, options.retryDelayMs ?? 2000);
        options.audit('EXPORTED', 'backup_exported', { ...target, file: basename(backup.file), remote: result.exported.remote, remote_removed: result.exported.removed });
      } catch (err) {
        const e = isAppError(err) ? err : new AppError('E_SFTP', errorMessage(err), { cause: err });
        if (e.code === 'E_HOST_KEY') options.audit('TRUSTED', 'sftp_host_key_rejected', { ...target, reason: e.message });
        options.audit('EXPORTED', 'backup_export_failed', { ...target, file: basename(backup.file), reason: e.message });
        result.exportError = e;
      }
    }
    return result;
  });
}
