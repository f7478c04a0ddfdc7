/**
 * bench/mcp: N concurrent MCP sessions (N = 1, 10, 50) calling aibridge_whoami over HTTPS with
 * JWT auth, RBAC, rate limiting (limits raised) and audit on, next to a bare hono HTTPS JSON echo
 * measured the same way, in alternating pairs (bench/lib/pairs.ts). Each sample drives one side
 * for BENCH_SECONDS (default 2). Prints calls/s, p50, p99 (median and min–max of the pairs), the
 * ratio of the medians, the server CPU time per call (barely moved by other load on the machine)
 * and the server's peak RSS.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { measurePairs, fmt, ratio, type PairResult } from './lib/pairs.ts';
import { driveWithCpu, rssMiB, scratchInstall, startServer, stop } from './lib/proc.ts';
import { record } from './lib/table.ts';
import { MCP_HEADERS, openSession, sessionHeaders } from './lib/mcp-http.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = (process.env.BENCH_MCP_CLIENTS ?? '1,10,50').split(',').map(Number);
const CLIENTS = 5;


/** A whoami install: CLIENTS clients on a profile with the report rate limit raised. */
export function whoamiInstall(port: number, extra: string[] = []): { dir: string; names: string[] } {
  const names = Array.from({ length: CLIENTS }, (_, i) => `bench${i + 1}`);
  const dir = scratchInstall('bench-mcp-', [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'TLS_MAX_CONNECTIONS_PER_IP=1000', 'LOGGING_CONSOLE_ENABLED=0', 'LOGGING_LEVEL=warning',
    `AUTH_ISSUER=https://localhost:${port}`, 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*',
    `AUTH_CLIENTS=${names.map((n) => `${n}:sub-${n}-20261124:bench`).join(',')}`, ...extra,
  ]);
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'profiles', 'bench.json'), JSON.stringify({ description: 'bench: limits raised', product_scope: ['cucm'], common: { report: { rate_limit: 1_000_000 } } }));
  return { dir, names };
}

function row(n: number, r: PairResult): void {
  const side = (s: PairResult['ours'], unit: string): string => `${fmt(s.rate, unit)}, p50 ${fmt(s.p50, 'ms')}, p99 ${fmt(s.p99, 'ms')}`;
  record(`mcp-${n}`, {
    ours: side(r.ours, 'calls/s'), base: `bare hono echo ${side(r.base, 'req/s')}`, ratio: ratio(r.ours.rate, r.base.rate, 'throughput'),
    note: `p50 ${ratio(r.ours.p50, r.base.p50, 'time')}, p99 ${ratio(r.ours.p99, r.base.p99, 'time')} of bare; server CPU ${fmt(r.ours.cpu, 'ms')}/call vs ${fmt(r.base.cpu, 'ms')}/req (${ratio(r.ours.cpu, r.base.cpu, 'time')}); median of ${r.pairs} pairs × ${SECONDS} s`,
  });
}

export async function benchMcp(): Promise<void> {
  const port = 19543;
  const { dir, names } = whoamiInstall(port);
  const server = await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
  const cert = join(dir, 'secrets', 'server.crt');
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert, 'utf8')]);
  const bare = await startServer(process.execPath, [resolve('bench/mcp-bare-echo.ts'), String(port + 1), cert, join(dir, 'secrets', 'server.key')], port + 1);
  const tokens = names.map((n) => readFileSync(join(dir, 'clients', n, 'secrets', '.token'), 'utf8').trim());
  const url = `https://localhost:${port}/mcp`;
  try {
    for (const n of CONCURRENCY) {
      const sessions = await Promise.all(Array.from({ length: n }, (_, w) => openSession(url, tokens[w % CLIENTS]!)));
      let id = 1;
      const echoBody = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { client: 'bench', profile: 'bench' } });
      const r = await measurePairs({
        ours: () => driveWithCpu(server.pid!, n, SECONDS, async (w) => {
          const res = await fetch(url, {
            method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }),
            headers: sessionHeaders(tokens[w % CLIENTS]!, sessions[w]!),
          });
          const body = await res.text();
          if (res.status !== 200 || !body.includes('bench')) throw new Error(`call failed: HTTP ${res.status} ${body.slice(0, 200)}`);
        }),
        base: () => driveWithCpu(bare.pid!, n, SECONDS, async () => {
          const res = await fetch(`https://localhost:${port + 1}/echo`, { method: 'POST', headers: MCP_HEADERS, body: echoBody });
          await res.text();
        }),
      });
      row(n, r);
    }
    console.log(`mcp peak RSS: aibridge ${rssMiB(server.pid!).toFixed(0)} MiB | bare hono echo ${rssMiB(bare.pid!).toFixed(0)} MiB`);
  } finally {
    await stop(server);
    await stop(bare);
  }
}
