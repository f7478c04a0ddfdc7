/**
 * @module One integrity check as the CLI, start-up and the watchdog run it: at start-up write
 * missing shipped files from the embedded copies, verify, and audit a failure (CRITICAL in app.log is the
 * server's part). Returns the report and printable lines.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { isSingleExecutable } from '../../lib/assets.ts';
import type { AuditSink } from '../common/ops-audit.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { ensureShippedFiles } from './ensure-shipped-files.ts';
import { describeProblems, verifyInstall, type IntegrityReport } from './verify-install.ts';

export interface IntegrityRun extends IntegrityReport { lines: string[]; checkedAt: string; written: string[] }

export interface IntegrityOptions {
  audit?: boolean;
  sink?: AuditSink;
  /** Server start-up only: write missing shipped files from the binary first. */
  writeMissing?: boolean;
}

export async function runIntegrityCheck(root: string, options: IntegrityOptions = {}): Promise<IntegrityRun> {
  const written = options.writeMissing && existsSync(join(root, 'manifest.json')) ? ensureShippedFiles(root) : [];
  const report = await verifyInstall(root, undefined, isSingleExecutable() ? process.execPath : undefined);
  const run: IntegrityRun = { ...report, lines: describeProblems(report), checkedAt: new Date().toISOString(), written };
  if (!run.ok) {
    const fields = { signature: run.signature, problems: run.lines.slice(0, 50) };
    if (options.sink) options.sink('SERVER', 'integrity_failed', fields);
    else if (options.audit && existsSync(join(root, '.env'))) {
      const a = openOpsAudit(loadConfig(root));
      try { a.append('SERVER', 'integrity_failed', fields); } finally { a.close(); }
    }
  }
  return run;
}
