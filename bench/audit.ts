/**
 * bench/audit: audit events/s appended through AuditLog (hash chain, lock file, fdatasync per
 * record; and group-committed appendAsync from 50 writers) next to raw appends of the same lines without hashing, with and without fdatasync.
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

export async function benchAudit(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const log = AuditLog.open({ dir, rotateSize: 1e12, rotateFiles: 3, checkpointPath: join(dir, 'cp') });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) log.append('ACTIONS', 'tool_call', FIELDS);
  const ours = rate(performance.now() - t0);
  log.close();
  const dir2 = mkdtempSync(join(tmpdir(), 'bench-audit-async-'));
  const grouped = AuditLog.open({ dir: dir2, rotateSize: 1e12, rotateFiles: 3, checkpointPath: join(dir2, 'cp') });
  const t1 = performance.now();
  // 50 concurrent writers, as 50 MCP sessions: records queued during a commit share the next one.
  await Promise.all(Array.from({ length: 50 }, async (_, w) => { for (let i = w; i < N; i += 50) await grouped.appendAsync('ACTIONS', 'tool_call', FIELDS); }));
  const groupRate = rate(performance.now() - t1);
  grouped.close();
  const rawSync = raw(true);
  const rawNoSync = raw(false);
  console.log(`audit (${N} events): AuditLog ${ours.toFixed(0)}/s, appendAsync x50 writers (group commit) ${groupRate.toFixed(0)}/s | raw append+fdatasync ${rawSync.toFixed(0)}/s (ratio ${(ours / rawSync).toFixed(2)}x) | raw append, no sync ${rawNoSync.toFixed(0)}/s (ratio ${(ours / rawNoSync).toFixed(3)}x)`);
}
