/**
 * bench/axl-latency: MCP `cucm_axl_request getCCMVersion` through aibridge (HTTPS, JWT, RBAC,
 * rate limit raised, audit, AXL client with keep-alive and JSESSIONIDSSO) to the lab, next to curl
 * sending the same AXL request straight to the lab (one curl process per client, connection and
 * session cookie reused), at 1 and 10 clients, in alternating pairs (bench/lib/pairs.ts).
 * The row's ratio is the p50 latency of aibridge over curl's (goal ≤ 1.3×).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measurePairs, ratio, spread, type Metrics } from './lib/pairs.ts';
import { driveWithCpu, stop } from './lib/proc.ts';
import { curlAxlTimes, startLab, startLabServe } from './lib/lab.ts';
import { record } from './lib/table.ts';
import { openSession, sessionHeaders } from './lib/mcp-http.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CURL_REQUESTS = Number(process.env.BENCH_CURL_REQUESTS ?? 100);
const PROFILE = { description: 'bench: AXL reads, limits raised', product_scope: ['cucm'], cucm: { axl: { rate_limit: 1_000_000, allowed_prefixes: ['get'] } }, common: { report: { rate_limit: 1_000_000 } } };


export async function benchAxlLatency(): Promise<void> {
  // The lab's AXL concurrency fault (8 in flight, as CUCM) would refuse curl at 10 clients: raised.
  const lab = await startLab(['--phones', '100', '--faults', 'axl:concurrency:64,ris:rate:0']);
  let serve: Awaited<ReturnType<typeof startLabServe>> | undefined;
  const work = mkdtempSync(join(tmpdir(), 'bench-curl-'));
  try {
    serve = await startLabServe(lab, 19583, { profile: 'benchaxl', profiles: { benchaxl: PROFILE } });
    const s = serve;
    for (const n of [1, 10]) {
      const sessions = await Promise.all(Array.from({ length: n }, () => openSession(s.url, s.token)));
      let id = 1;
      const ours = (): Promise<Metrics> => driveWithCpu(s.child.pid!, n, SECONDS, async (w) => {
        const res = await fetch(s.url, {
          method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'cucm_axl_request', arguments: { node: lab.pub.name, operation: 'getCCMVersion', args: {} } } }),
          headers: sessionHeaders(s.token, sessions[w]!),
        });
        const body = await res.text();
        if (res.status !== 200 || !body.includes('version') || body.includes('"isError":true')) throw new Error(`getCCMVersion failed: HTTP ${res.status} ${body.slice(0, 300)}`);
      });
      const base = async (): Promise<Metrics> => {
        const t0 = performance.now();
        const times = (await Promise.all(Array.from({ length: n }, () => curlAxlTimes(lab, 'getCCMVersion', '', CURL_REQUESTS, work)))).flat();
        const secs = (performance.now() - t0) / 1000;
        const sorted = [...times].sort((a, b) => a - b);
        return { rate: times.length / secs, p50: spread(times).median, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! };
      };
      const r = await measurePairs({ ours, base });
      record(`axl-version-${n}`, {
        ours: `p50 ${fmt(r.ours.p50, 'ms')}, p99 ${fmt(r.ours.p99, 'ms')}, ${fmt(r.ours.rate, 'calls/s')}`,
        base: `curl to the lab p50 ${fmt(r.base.p50, 'ms')}, p99 ${fmt(r.base.p99, 'ms')}, ${fmt(r.base.rate, 'req/s')}`,
        ratio: ratio(r.ours.p50, r.base.p50, 'time'),
        note: `p50 latency ratio; p99 ${ratio(r.ours.p99, r.base.p99, 'time')}; server CPU ${fmt(r.ours.cpu, 'ms')}/call; median of ${r.pairs} pairs`,
      });
    }
  } finally {
    await stop(serve?.child);
    await stop(lab.child);
  }
}
