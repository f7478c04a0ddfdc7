/**
 * bench/sessions: memory of idle MCP sessions. `aibridge serve` with the session caps raised opens
 * BENCH_SESSIONS_STEP sessions (initialize + notifications/initialized, as a client does) per
 * sample, then, once the server has settled, reads its resident set: the growth from the idle
 * server to the last step, per session, gives KiB per idle session and how many sessions fit in
 * 1 GiB (goal ≥ 10,000); the per-step median is printed too. There is no baseline: the row's
 * "ratio" is sessions per GiB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { fmt, measureRepeated, num } from './lib/pairs.ts';
import { rssMiB, startServer, stop } from './lib/proc.ts';
import { record } from './lib/table.ts';
import { whoamiInstall } from './mcp.ts';
import { openSession } from './lib/mcp-http.ts';

const STEP = Number(process.env.BENCH_SESSIONS_STEP ?? 1000);
const OPENERS = 20;


export async function benchSessions(): Promise<void> {
  const port = 19573;
  const { dir, names } = whoamiInstall(port, ['MCP_SESSION_MAX_PER_CLIENT=100000', 'MCP_SESSION_MAX_TOTAL=1000000']);
  const server = await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
  const tokens = names.map((n) => readFileSync(join(dir, 'clients', n, 'secrets', '.token'), 'utf8').trim());
  const url = `https://localhost:${port}/mcp`;
  let opened = 0;
  const settledRss = async (): Promise<number> => {
    await new Promise((r) => setTimeout(r, 1500));
    return rssMiB(server.pid!, 'VmRSS');
  };
  try {
    const before = await settledRss();
    const r = await measureRepeated(async () => {
      const start = await settledRss();
      let next = 0;
      await Promise.all(Array.from({ length: OPENERS }, async () => {
        while (next < STEP) { const i = next++; await openSession(url, tokens[(opened + i) % tokens.length]!); }
      }));
      opened += STEP;
      return { kib: ((await settledRss()) - start) * 1024 / STEP };
    }, { warmup: 1 });
    const step = r.summary.kib!;
    const after = rssMiB(server.pid!, 'VmRSS');
    // The overall slope is the headline: per-step growth swings with when the GC last ran.
    const kib = ((after - before) * 1024) / opened;
    record('session-memory', {
      ours: `${num(kib)} KiB per idle session (RSS ${before.toFixed(0)} → ${after.toFixed(0)} MiB for ${opened} sessions)`, base: '—',
      ratio: `${num((1024 * 1024) / kib)} sessions per GiB`,
      note: `per step of ${STEP}: ${fmt(step, 'KiB')}, median of ${r.samples} steps after one warm-up step`,
    });
  } finally {
    await stop(server);
  }
}
