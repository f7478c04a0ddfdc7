/**
 * @module The backup watchdog: with BACKUP_ENABLED=1, a backup shortly after each start-up and
 * every BACKUP_INTERVAL_HOURS. A run that finds another backup/restore/rotation in progress is
 * skipped. Outcomes go to app.log, audit.log (via the job), /status and /metrics. A backup cut
 * short by shutdown leaves only a temp file, removed by the next run.
 */
import { basename } from 'node:path';
import { newestLocalBackup } from './newest-backup.ts';
import type { NewestBackup } from './newest-backup.ts';
import type { Config } from '../../config/load-config.ts';
import type { Logger } from '../../log/logger.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { errorMessage, isAppError } from '../../lib/errors.ts';
import { startWatchdog, type Watchdog, type WatchdogState } from '../common/watchdog.ts';
import type { LeaseState } from '../../state/shared-state.ts';
import { onLeaseHolder, startLeaseKeeper } from '../../state/lease-keeper.ts';

/** What the backup watchdog needs from the running server. */
export interface BackupWatchdogDeps {
  config: Config;
  logger: Logger;
  audit: Pick<AuditLog, 'append'>;
  /** Several instances (STATE_BACKEND=valkey): only the holder of the `backup` lease backs up. */
  leases?: LeaseState;
}

/** The /status `backup` object. */
export interface BackupFacts {
  enabled: boolean;
  interval_h: number;
  sftp: string | null;
  last_backup_at: string | null;
  last_backup_file: string | null;
  last_export_error?: string;
}

export interface BackupWatchdog extends Watchdog {
  /** Read at each /status request from backups/, so a backup made with the CLI shows up too. */
  facts(): BackupFacts;
}

export function startBackupWatchdog(runtime: BackupWatchdogDeps): BackupWatchdog {
  const env = runtime.config.env;
  const sftp = env.BACKUP_SFTP_HOST ? `${env.BACKUP_SFTP_HOST}:${env.BACKUP_SFTP_PORT}` : null;
  let lastExportError: string | undefined;
  const facts = (): BackupFacts => {
    const newest: NewestBackup | undefined = newestLocalBackup(runtime.config.paths.backupsDir);
    return {
      enabled: env.BACKUP_ENABLED, interval_h: env.BACKUP_INTERVAL_HOURS, sftp, last_backup_at: newest?.at ?? null, last_backup_file: newest?.file ?? null,
      ...(lastExportError ? { last_export_error: lastExportError } : {}),
    };
  };
  let ran = false;
  const task = async (): Promise<{ state: WatchdogState; result: string }> => {
    try {
      const { runBackupJob } = await import('./backup-job.ts'); // loaded with the first backup, not at every start-up
      const r = await runBackupJob(runtime.config, { audit: (c, e, f) => runtime.audit.append(c, e, f), trigger: ran ? 'schedule' : 'startup' });
      ran = true;
      runtime.logger.info('backup_created', { file: basename(r.backup.file), bytes: r.backup.bytes, exported: r.exported?.remote ?? null });
      if (r.exportError) {
        lastExportError = r.exportError.message;
        runtime.logger.error('backup_export_failed', { message: r.exportError.message });
        return { state: 'failed', result: `backup kept locally; export failed: ${r.exportError.message}` };
      }
      lastExportError = undefined;
      return { state: 'ok', result: basename(r.backup.file) };
    } catch (err) {
      if (isAppError(err) && err.code === 'E_RUNNING') {
        runtime.logger.warning('backup_skipped', { message: err.message });
        return { state: 'ok', result: `skipped: ${err.message}` };
      }
      runtime.logger.error('backup_failed', { message: errorMessage(err) });
      return { state: 'failed', result: errorMessage(err) };
    }
  };
  if (!env.BACKUP_ENABLED) {
    const w = startWatchdog(env.BACKUP_INTERVAL_HOURS * 3_600_000, async () => ({ state: 'disabled', result: 'BACKUP_ENABLED=0' }), false);
    w.status.state = 'disabled';
    void w.stop().then(() => { w.status.state = 'disabled'; });
    return { ...w, facts };
  }
  if (!runtime.leases) return { ...startWatchdog(env.BACKUP_INTERVAL_HOURS * 3_600_000, task, true), facts };
  const keeper = startLeaseKeeper(runtime.leases, 'backup');
  const w = startWatchdog(env.BACKUP_INTERVAL_HOURS * 3_600_000, onLeaseHolder(keeper, task, () => ({ state: 'ok' as WatchdogState, result: 'standby: another instance holds the backup lease' })), true);
  return { status: w.status, runNow: w.runNow, facts, async stop() { await w.stop(); await keeper.stop(); } };
}
