/**
 * @module Start-up step 4 and the integrity watchdog's task: check the shipped files against the
 * signed manifest (CRITICAL on tampering; the server continues, as the Operations page says) and
 * keep the last result for /status and /readyz. From source there is no signed manifest: skipped.
 * Step 4 verifies the manifest's signature and every file, but accepts a file whose identity is
 * unchanged since a full check verified it (verified-identity.ts); then `needsFullCheck()` is true
 * and the server runs the full check right after listening. Every other check hashes every file
 * and rewrites the record.
 */
import type { Config } from '../../config/load-config.ts';
import type { Logger } from '../../log/logger.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { isSingleExecutable } from '../../lib/assets.ts';
import type { WatchdogState } from '../common/watchdog.ts';
import { errorMessage } from '../../lib/errors.ts';
import { runIntegrityCheck, type IntegrityRun } from './run-integrity.ts';
import type { IntegrityReport } from './verify-install.ts';
import { identityRecordPath, readIdentityRecord, writeIdentityRecord } from './verified-identity.ts';
import { createWorkerHasher } from './hash-worker.ts';

/** The last integrity result, as /status shows it. */
export type IntegrityStatus =
  | { state: 'skipped'; reason: string }
  | {
    state: 'ok' | 'tampered'; checked_at: string; files_checked: number;
    /** `full`: every file was read and hashed; `identity`: step 4, some files accepted by their verified identity (files_hashed < files_checked). */
    method: 'full' | 'identity'; files_hashed: number;
    signature: IntegrityReport['signature']; problems: string[];
  };

export interface IntegrityMonitor {
  /** The last result (step 4 ran the first check). */
  status(): IntegrityStatus;
  /** Check again, hashing every file (the watchdog's task): the state the watchdog shows and a one-line result. */
  check(): Promise<{ state: WatchdogState; result: string }>;
  /** True while the last result relied on verified identities: the full check is due (after listening). */
  needsFullCheck(): boolean;
  /** Server shutdown: stop a check in progress (its result is dropped) and wait for it. */
  close(): Promise<void>;
}

interface Deps { config: Config; logger: Logger; audit: Pick<AuditLog, 'append'> }

/** A check that hashed every file under a valid signature replaces the record (failures are logged, never fatal). */
function recordVerified(d: Deps, r: IntegrityRun): void {
  if (r.signature !== 'valid' || r.hashed !== r.checked) return;
  try { writeIdentityRecord(identityRecordPath(d.config.paths.secretsDir), r.verified, r.checkedAt); } catch (err) {
    d.logger.warning('integrity_record_not_written', { message: errorMessage(err), effect: 'the next start-up hashes every file' });
  }
}

async function checkOnce(d: Deps, atStart: boolean, signal?: AbortSignal): Promise<IntegrityStatus> {
  if (!isSingleExecutable()) {
    d.logger.info('integrity_skipped', { reason: 'running from source: there is no signed release manifest for this install' });
    return { state: 'skipped', reason: 'running from source' };
  }
  // Step 4 runs before listening and may hash on the main thread; a check while serving uses a worker.
  const hasher = atStart ? undefined : createWorkerHasher();
  let r: IntegrityRun;
  try {
    r = await runIntegrityCheck(d.config.paths.root, {
      sink: (c, e, f) => d.audit.append(c, e, f), writeMissing: atStart,
      ...(atStart ? { known: readIdentityRecord(identityRecordPath(d.config.paths.secretsDir)) } : {}),
      ...(signal ? { signal } : {}),
      ...(hasher ? { hashFile: (path: string, s?: AbortSignal) => hasher.hash(path, s) } : {}),
    });
  } finally { await hasher?.close(); }
  recordVerified(d, r);
  const method = r.hashed === r.checked ? 'full' : 'identity';
  if (r.written.length) d.logger.warning('shipped_files_written', { files: r.written, source: 'embedded copies in the binary' });
  if (r.ok) d.logger.info('integrity_ok', { files: r.checked, files_hashed: r.hashed, method, version: r.version });
  else d.logger.critical('integrity_failed', { signature: r.signature, problems: r.lines.slice(0, 20) });
  return {
    state: r.ok ? 'ok' : 'tampered', checked_at: r.checkedAt, files_checked: r.checked, method, files_hashed: r.hashed,
    signature: r.signature, problems: r.lines.slice(0, 20),
  };
}

function outcome(s: IntegrityStatus): { state: WatchdogState; result: string } {
  if (s.state === 'skipped') return { state: 'ok', result: 'skipped: running from source' };
  if (s.state === 'ok') return { state: 'ok', result: `${s.files_checked} files verified` };
  return { state: 'alert', result: s.problems[0] ?? 'integrity check failed' };
}

/** Step 4: the first check (missing shipped files are written from the binary first). */
export async function checkIntegrity(d: Deps): Promise<IntegrityMonitor> {
  let last = await checkOnce(d, true);
  const stop = new AbortController();
  let running: Promise<unknown> | undefined;
  return {
    status: () => last,
    needsFullCheck: () => last.state !== 'skipped' && last.method === 'identity',
    async check() {
      const run = checkOnce(d, false, stop.signal);
      running = run.catch(() => undefined);
      try { last = await run; } catch (err) {
        if (stop.signal.aborted) return { state: 'stopped', result: 'stopped by shutdown' };
        throw err;
      }
      return outcome(last);
    },
    async close() {
      stop.abort(new Error('server shutdown'));
      await running;
    },
  };
}
