/**
 * @module Start-up step 10: the background watchdogs of the Operations page — licence (started
 * here, built at step 8), integrity (every INTEGRITY_CHECK_INTERVAL_HOURS) and backup (with
 * BACKUP_ENABLED=1; with several instances only the holder of the `backup` lease backs up).
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { LeaseState } from '../state/shared-state.ts';
import { errorMessage } from '../lib/errors.ts';
import { startWatchdog } from './common/watchdog.ts';
import type { Watchdog, WatchdogStatus } from './common/watchdog.ts';
import { startBackupWatchdog } from './backup/backup-watchdog.ts';
import type { BackupWatchdog } from './backup/backup-watchdog.ts';
import type { IntegrityMonitor } from './integrity/integrity-monitor.ts';

export interface WatchdogsDeps {
  config: Config;
  logger: Logger;
  audit: Pick<AuditLog, 'append'>;
  integrity: IntegrityMonitor;
  /** The licence watchdog (it checks every minute and on a change of the licence file). */
  license: { start(): void; stop(): void };
  leases?: LeaseState;
}

export interface WatchdogsHandle {
  integrity: Watchdog;
  backup: BackupWatchdog;
  /** The /status `watchdogs` object and the aibridge_watchdog_state gauge. */
  statuses(): { integrity: WatchdogStatus; backup: WatchdogStatus };
  /** Stops them, newest first. */
  close(): Promise<void>;
}

export function startWatchdogs(d: WatchdogsDeps): WatchdogsHandle {
  const hours = d.config.env.INTEGRITY_CHECK_INTERVAL_HOURS;
  d.license.start();
  const integrity = startWatchdog(hours * 3_600_000, () => d.integrity.check().catch((err: unknown) => {
    d.logger.error('integrity_watchdog_failed', { message: errorMessage(err) });
    return { state: 'failed' as const, result: errorMessage(err) };
  }), false);
  integrity.status.state = d.integrity.status().state === 'tampered' ? 'alert' : 'ok';
  const backup = startBackupWatchdog({ config: d.config, logger: d.logger, audit: d.audit, ...(d.leases ? { leases: d.leases } : {}) });
  d.logger.info('watchdogs_started', { integrity_interval_h: hours, backup: d.config.env.BACKUP_ENABLED ? `every ${d.config.env.BACKUP_INTERVAL_HOURS} h` : 'disabled' });
  return {
    integrity, backup,
    statuses: () => ({ integrity: integrity.status, backup: backup.status }),
    async close() {
      await backup.stop();
      await integrity.stop();
      d.license.stop();
    },
  };
}
