/**
 * @module One integrity check as the CLI, start-up and the watchdog run it: at start-up write
 * missing shipped files from the embedded copies, verify, and audit a failure (CRITICAL in app.log is the
 * server's part). Returns the report and printable lines.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { isSingleExecutable } from '../../lib/assets.ts';
import type { AuditSink } from '../common/ops-audit.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { ensureShippedFiles } from './ensure-shipped-files.ts';
import { describeProblems, verifyInstall, type IntegrityReport } from './verify-install.ts';
import type { IdentityRecord } from './verified-identity.ts';

export interface IntegrityRun extends IntegrityReport { lines: string[]; checkedAt: string; written: string[]; folder: string }

export interface IntegrityOptions {
  audit?: boolean;
  sink?: AuditSink;
  /** Server start-up only: write missing shipped files from the binary first. */
  writeMissing?: boolean;
  /** Server start-up only: a verified-identity record; files it vouches for are not read again. */
  known?: IdentityRecord;
  signal?: AbortSignal;
  hashFile?: (path: string, signal?: AbortSignal) => Promise<string>;
}

/**
 * The folder whose manifest is checked: the install root when it holds manifest.json; otherwise the
 * release folder the running binary sits in, when that has one (the container image keeps the
 * release read-only in /usr/local/lib/aibridge and the install state on mounts).
 */
export function integrityFolder(root: string): string {
  if (existsSync(join(root, 'manifest.json')) || !isSingleExecutable()) return root;
  const release = dirname(process.execPath);
  return existsSync(join(release, 'manifest.json')) ? release : root;
}

export async function runIntegrityCheck(root: string, options: IntegrityOptions = {}): Promise<IntegrityRun> {
  const written = options.writeMissing && existsSync(join(root, 'manifest.json')) ? ensureShippedFiles(root) : [];
  const folder = integrityFolder(root);
  const report = await verifyInstall(folder, undefined, {
    ...(isSingleExecutable() ? { binaryFallback: process.execPath } : {}),
    ...(options.known ? { known: options.known } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.hashFile ? { hashFile: options.hashFile } : {}),
  });
  const run: IntegrityRun = { ...report, lines: describeProblems(report), checkedAt: new Date().toISOString(), written, folder };
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
