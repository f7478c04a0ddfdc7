/**
 * bench/first-call: what the first MCP exchange after start-up costs (the MCP SDK and the session
 * code load on the first authenticated request to the endpoint: ARCHITECTURE.md "What a start-up
 * loads"). Per start of `serve` with existing keys: wall time and server CPU (all threads,
 * /proc/PID/task/…/schedstat, ns resolution) of the first initialize + notifications/initialized
 * and of the first tools/call aibridge_whoami, then of a second session's pair for comparison.
 * `AIBRIDGE_BIN=a,b npm run bench first-call` measures several binaries in alternating order
 * (BENCH_PAIRS starts of each).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { pairCount, spread, fmt } from './lib/pairs.ts';
import { startServer, stop } from './lib/proc.ts';
import { openSession, sessionHeaders } from './lib/mcp-http.ts';

function threadCpuMs(pid: number): number {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e6;
}

function install(bin: string, port: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-first-'));
  copyFileSync(bin, join(dir, 'aibridge'));
  for (const f of ['manifest.json', 'manifest.sig']) if (existsSync(join(bin, '..', f))) copyFileSync(join(bin, '..', f), join(dir, f));
  writeFileSync(join(dir, '.env'), [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0', `AUTH_ISSUER=https://localhost:${port}`,
    'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', 'AUTH_CLIENTS=first:sub-first-20261202:bench', '',
  ].join('\n'), { mode: 0o600 });
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'profiles', 'bench.json'), JSON.stringify({ description: 'bench', product_scope: ['cucm'], common: { report: { rate_limit: 1_000_000 } } }));
  return dir;
}

async function timed<T>(pid: number, fn: () => Promise<T>): Promise<{ ms: number; cpu: number }> {
  const c0 = threadCpuMs(pid); const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0, cpu: threadCpuMs(pid) - c0 };
}

async function whoami(url: string, token: string, sid: string): Promise<void> {
  const r = await fetch(url, { method: 'POST', headers: sessionHeaders(token, sid), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }) });
  const body = await r.text();
  if (r.status !== 200 || !body.includes('bench')) throw new Error(`whoami failed: HTTP ${r.status} ${body.slice(0, 200)}`);
}

/** `npm run bench first-call`: the first MCP exchange of fresh starts, printed (not a table row). */
export async function benchFirstCall(): Promise<void> {
  const port = 19643;
  const bins = (process.env.AIBRIDGE_BIN ?? 'dist/aibridge').split(',').map((b) => resolve(b));
  const dirs = bins.map((b) => install(b, port));
  const results = bins.map(() => [] as Array<Record<string, number>>);
  for (const dir of dirs) await stop(await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port)); // keys, certificate, client token
  await new Promise((r) => setTimeout(r, 2100));
  for (const dir of dirs) await stop(await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port)); // the full check records the identities
  const n = pairCount();
  for (let i = 0; i < n; i++) {
    for (const k of i % 2 ? [...bins.keys()].reverse() : [...bins.keys()]) {
      const dir = dirs[k]!;
      const server = await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
      try {
        setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
        const token = readFileSync(join(dir, 'clients', 'first', 'secrets', '.token'), 'utf8').trim();
        const url = `https://localhost:${port}/mcp`;
        let sid = '';
        const init1 = await timed(server.pid!, async () => { sid = await openSession(url, token); });
        const call1 = await timed(server.pid!, () => whoami(url, token, sid));
        let sid2 = '';
        const init2 = await timed(server.pid!, async () => { sid2 = await openSession(url, token); });
        const call2 = await timed(server.pid!, () => whoami(url, token, sid2));
        results[k]!.push({ 'first session ms': init1.ms, 'first session CPU': init1.cpu, 'first call ms': call1.ms, 'first call CPU': call1.cpu, 'second session ms': init2.ms, 'second session CPU': init2.cpu, 'second call ms': call2.ms, 'second call CPU': call2.cpu });
      } finally { await stop(server); }
    }
  }
  bins.forEach((b, k) => {
    const keys = Object.keys(results[k]![0]!);
    console.log(`first MCP exchange, ${b} (median and min–max of ${n} starts): ${keys.map((key) => `${key} ${fmt(spread(results[k]!.map((r) => r[key]!)), '')}`).join(' | ')}`);
  });
}
