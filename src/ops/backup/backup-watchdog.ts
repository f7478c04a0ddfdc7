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
import { runBackupJob } from './backup-job.ts';
import type { LeaseState } from '../../state/shared-state.ts';
import { onLeaseHolder, startLeaseKeeper } from '../../state/lease-keeper.ts';

/** What the backup watchdog needs from the running server; `status` receives its /status facts. */
export interface BackupWatchdogDeps {
  config: Config;
  logger: Logger;
  audit: Pick<AuditLog, 'append'>;
  status: Record<string, unknown>;
  /** Several instances (STATE_BACKEND=valkey): only the holder of the `backup` lease backs up. */
  leases?: LeaseState;
}

export function startBackupWatchdog(runtime: BackupWatchdogDeps): Watchdog {
  const env = runtime.config.env;
  const backupFacts: Record<string, unknown> = { enabled: env.BACKUP_ENABLED, interval_h: env.BACKUP_INTERVAL_HOURS, sftp: env.BACKUP_SFTP_HOST ? `${env.BACKUP_SFTP_HOST}:${env.BACKUP_SFTP_PORT}` : null };
  // Read from backups/ at each /status request, so a backup made with the CLI shows up too.
  const newest = (): NewestBackup | undefined => newestLocalBackup(runtime.config.paths.backupsDir);
  Object.defineProperty(backupFacts, 'last_backup_at', { enumerable: true, get: () => newest()?.at ?? null });
  Object.defineProperty(backupFacts, 'last_backup_file', { enumerable: true, get: () => newest()?.file ?? null });
  runtime.status.backup = backupFacts;
  let ran = false;
  const task = async (): Promise<{ state: WatchdogState; result: string }> => {
    try {
      const r = await runBackupJob(runtime.config, { audit: (c, e, f) => runtime.audit.append(c, e, f), trigger: ran ? 'schedule' : 'startup' });
      ran = true;
      runtime.logger.info('backup_created', { file: basename(r.backup.file), bytes: r.backup.bytes, exported: r.exported?.remote ?? null });
      if (r.exportError) {
        backupFacts.last_export_error = r.exportError.message;
        runtime.logger.error('backup_export_failed', { message: r.exportError.message });
        return { state: 'failed', result: `backup kept locally; export failed: ${r.exportError.message}` };
      }
      delete backupFacts.last_export_error;
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
    return w;
  }
  if (!runtime.leases) return startWatchdog(env.BACKUP_INTERVAL_HOURS * 3_600_000, task, true);
  const keeper = startLeaseKeeper(runtime.leases, 'backup');
  const w = startWatchdog(env.BACKUP_INTERVAL_HOURS * 3_600_000, onLeaseHolder(keeper, task, () => ({ state: 'ok' as WatchdogState, result: 'standby: another instance holds the backup lease' })), true);
  return { status: w.status, runNow: w.runNow, async stop() { await w.stop(); await keeper.stop(); } };
}
