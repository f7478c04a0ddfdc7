/**
 * `npm run bench [name]`: every benchmark (or one), each figure next to its baseline measured in
 * alternating pairs (bench/lib/pairs.ts), then the issue-20 table (bench/lib/table.ts) with every
 * row and its ratio; nothing is asserted. BENCH_PAIRS=1 for a quick look (default 5).
 */
import { benchAudit } from './audit.ts';
import { benchStartup } from './startup.ts';
import { benchFirstCall } from './first-call.ts';
import { benchAxl } from './axl.ts';
import { benchMcp } from './mcp.ts';
import { benchMcpValkey } from './mcp-valkey.ts';
import { benchAxlLatency } from './axl-latency.ts';
import { benchSessions } from './sessions.ts';
import { benchBackup } from './backup.ts';
import { benchReports } from './reports.ts';
import { benchServiceability } from './serviceability.ts';
import { benchCli } from './cli.ts';
import { benchChanges } from './changes.ts';
import { pairCount } from './lib/pairs.ts';
import { table } from './lib/table.ts';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'audit') await benchAudit();
  if (!only || only === 'startup') await benchStartup();
  if (!only || only === 'first-call') await benchFirstCall();
  if (!only || only === 'axl') await benchAxl();
  if (!only || only === 'mcp') await benchMcp();
  if (!only || only === 'mcp-valkey') await benchMcpValkey();
  if (!only || only === 'axl-latency') await benchAxlLatency();
  if (!only || only === 'sessions') await benchSessions();
  if (!only || only === 'backup') await benchBackup();
  if (!only || only === 'reports') await benchReports();
  if (!only || only === 'serviceability') await benchServiceability();
  if (!only || only === 'cli') await benchCli();
  if (!only || only === 'changes') await benchChanges();
  console.log(`\nperformance table (median of ${pairCount()} pairs; spread min–max in brackets):\n${table()}`);
}

main().catch((err: unknown) => { const c = (err as { cause?: unknown }).cause; console.error(`bench failed: ${(err as Error).message}${c ? ` (${(c as Error).message ?? String(c)})` : ''}`); process.exitCode = 1; });
