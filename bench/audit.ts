/**
 * bench/audit: audit events/s appended through AuditLog (hash chain, lock file, fdatasync per
 * record) next to raw appends of the same lines without hashing, with and without fdatasync.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, writeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../src/audit/audit-log.ts';

const N = Number(process.env.BENCH_AUDIT_EVENTS ?? 2000);
const FIELDS = { client: 'alice', tool: 'cucm_axl_request', node: 'cucm-pub', operation: 'getPhone', result: 'ok', duration_ms: 12 };

function rate(ms: number): number { return (N / ms) * 1000; }

function raw(sync: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const fd = openSync(join(dir, 'raw.log'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    writeSync(fd, `${JSON.stringify({ ts: new Date().toISOString(), seq: i, category: 'ACTIONS', event: 'tool_call', ...FIELDS })}\n`);
    if (sync) fdatasyncSync(fd);
  }
  const ms = performance.now() - t0;
  closeSync(fd);
  return rate(ms);
}

export function benchAudit(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const log = AuditLog.open({ dir, rotateSize: 1e12, rotateFiles: 3, checkpointPath: join(dir, 'cp') });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) log.append('ACTIONS', 'tool_call', FIELDS);
  const ours = rate(performance.now() - t0);
  log.close();
  const rawSync = raw(true);
  const rawNoSync = raw(false);
  console.log(`audit (${N} events): AuditLog ${ours.toFixed(0)}/s | raw append+fdatasync ${rawSync.toFixed(0)}/s (ratio ${(ours / rawSync).toFixed(2)}x) | raw append, no sync ${rawNoSync.toFixed(0)}/s (ratio ${(ours / rawNoSync).toFixed(3)}x)`);
}
