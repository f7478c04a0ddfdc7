/**
 * @module The operations' part of start-up: step 4 finishes an interrupted restore --replace or key
 * rotation, then checks software integrity (CRITICAL on tampering; the server continues, as the
 * Operations page says); step 10 starts the integrity and backup watchdogs.
 */
import type { ServerPlugin, ServerRuntime } from './server-runtime.ts';
import { isSingleExecutable } from '../lib/assets.ts';
import { errorMessage } from '../lib/errors.ts';
import { recoverInterruptedRestore } from '../ops/restore/replace-live.ts';
import { recoverInterruptedRotation } from '../ops/rotate/run-rotate.ts';
import { runIntegrityCheck } from '../ops/integrity/run-integrity.ts';
import { startWatchdog, type WatchdogState } from '../ops/common/watchdog.ts';
import { startBackupWatchdog } from '../ops/backup/backup-watchdog.ts';
import { recoverInterruptedUpgrade } from '../ops/upgrade/apply-upgrade.ts';
import { UPGRADE_CANDIDATES } from '../ops/upgrade/run-upgrade.ts';

async function integrityOnce(runtime: ServerRuntime, atStart = false): Promise<{ state: WatchdogState; result: string }> {
  const root = runtime.config.paths.root;
  if (!isSingleExecutable()) {
    runtime.logger.info('integrity_skipped', { reason: 'running from source: there is no signed release manifest for this install' });
    runtime.status.integrity = { state: 'skipped', reason: 'running from source' };
    return { state: 'ok', result: 'skipped: running from source' };
  }
  const r = await runIntegrityCheck(root, { sink: (c, e, f) => runtime.audit.append(c, e, f), writeMissing: atStart });
  if (r.written.length) runtime.logger.warning('shipped_files_written', { files: r.written, source: 'embedded copies in the binary' });
  runtime.status.integrity = { state: r.ok ? 'ok' : 'tampered', checked_at: r.checkedAt, files_checked: r.checked, signature: r.signature, problems: r.lines.slice(0, 20) };
  if (r.ok) {
    runtime.logger.info('integrity_ok', { files: r.checked, version: r.version });
    return { state: 'ok', result: `${r.checked} files verified` };
  }
  runtime.logger.critical('integrity_failed', { signature: r.signature, problems: r.lines.slice(0, 20) });
  return { state: 'alert', result: r.lines[0] ?? 'integrity check failed' };
}

export const OPS_INTEGRITY_PLUGIN: ServerPlugin = {
  name: 'ops-integrity',
  step: 'integrity',
  async run(runtime) {
    const root = runtime.config.paths.root;
    const restored = recoverInterruptedRestore(root);
    if (restored) runtime.logger.warning('restore_recovered', { message: 'finished an interrupted restore --replace', previous: restored.previous });
    const upgraded = recoverInterruptedUpgrade(root, UPGRADE_CANDIDATES);
    if (upgraded) runtime.logger.warning('upgrade_recovered', { message: upgraded });
    const rotated = recoverInterruptedRotation(runtime.config);
    if (rotated) runtime.logger.warning('rotation_recovered', { message: rotated });
    await integrityOnce(runtime, true);
  },
};

export const OPS_WATCHDOGS_PLUGIN: ServerPlugin = {
  name: 'ops-watchdogs',
  step: 'watchdogs',
  run(runtime) {
    const watchdogs: Record<string, unknown> = (runtime.status.watchdogs as Record<string, unknown> | undefined) ?? {};
    runtime.status.watchdogs = watchdogs;
    const hours = runtime.config.env.INTEGRITY_CHECK_INTERVAL_HOURS;
    const integrity = startWatchdog(hours * 3_600_000, () => integrityOnce(runtime).catch((err: unknown) => {
      runtime.logger.error('integrity_watchdog_failed', { message: errorMessage(err) });
      return { state: 'failed' as const, result: errorMessage(err) };
    }), false);
    integrity.status.state = (runtime.status.integrity as { state?: string } | undefined)?.state === 'tampered' ? 'alert' : 'ok';
    watchdogs.integrity = integrity.status;
    runtime.onShutdown.push(() => integrity.stop());
    const backup = startBackupWatchdog({ ...runtime, status: runtime.status, ...(runtime.state?.kind === 'valkey' ? { leases: runtime.state.leases } : {}) });
    watchdogs.backup = backup.status;
    runtime.onShutdown.push(() => backup.stop());
    runtime.logger.info('watchdogs_started', { integrity_interval_h: hours, backup: runtime.config.env.BACKUP_ENABLED ? `every ${runtime.config.env.BACKUP_INTERVAL_HOURS} h` : 'disabled' });
  },
};
