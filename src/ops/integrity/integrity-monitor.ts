/**
 * @module Start-up step 4 and the integrity watchdog's task: check the shipped files against the
 * signed manifest (CRITICAL on tampering; the server continues, as the Operations page says) and
 * keep the last result for /status and /readyz. From source there is no signed manifest: skipped.
 */
import type { Config } from '../../config/load-config.ts';
import type { Logger } from '../../log/logger.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { isSingleExecutable } from '../../lib/assets.ts';
import type { WatchdogState } from '../common/watchdog.ts';
import { runIntegrityCheck } from './run-integrity.ts';
import type { IntegrityReport } from './verify-install.ts';

/** The last integrity result, as /status shows it. */
export type IntegrityStatus =
  | { state: 'skipped'; reason: string }
  | { state: 'ok' | 'tampered'; checked_at: string; files_checked: number; signature: IntegrityReport['signature']; problems: string[] };

export interface IntegrityMonitor {
  /** The last result (step 4 ran the first check). */
  status(): IntegrityStatus;
  /** Check again (the watchdog's task): the state the watchdog shows and a one-line result. */
  check(): Promise<{ state: WatchdogState; result: string }>;
}

interface Deps { config: Config; logger: Logger; audit: Pick<AuditLog, 'append'> }

async function checkOnce(d: Deps, atStart: boolean): Promise<IntegrityStatus> {
  if (!isSingleExecutable()) {
    d.logger.info('integrity_skipped', { reason: 'running from source: there is no signed release manifest for this install' });
    return { state: 'skipped', reason: 'running from source' };
  }
  const r = await runIntegrityCheck(d.config.paths.root, { sink: (c, e, f) => d.audit.append(c, e, f), writeMissing: atStart });
  if (r.written.length) d.logger.warning('shipped_files_written', { files: r.written, source: 'embedded copies in the binary' });
  if (r.ok) d.logger.info('integrity_ok', { files: r.checked, version: r.version });
  else d.logger.critical('integrity_failed', { signature: r.signature, problems: r.lines.slice(0, 20) });
  return { state: r.ok ? 'ok' : 'tampered', checked_at: r.checkedAt, files_checked: r.checked, signature: r.signature, problems: r.lines.slice(0, 20) };
}

function outcome(s: IntegrityStatus): { state: WatchdogState; result: string } {
  if (s.state === 'skipped') return { state: 'ok', result: 'skipped: running from source' };
  if (s.state === 'ok') return { state: 'ok', result: `${s.files_checked} files verified` };
  return { state: 'alert', result: s.problems[0] ?? 'integrity check failed' };
}

/** Step 4: the first check (missing shipped files are written from the binary first). */
export async function checkIntegrity(d: Deps): Promise<IntegrityMonitor> {
  let last = await checkOnce(d, true);
  return {
    status: () => last,
    async check() {
      last = await checkOnce(d, false);
      return outcome(last);
    },
  };
}
