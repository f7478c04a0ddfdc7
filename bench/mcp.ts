/**
 * bench/mcp: N concurrent MCP sessions (N = 1, 10, 50) calling aibridge_whoami over HTTPS with
 * JWT auth, RBAC, rate limiting (limits raised) and audit on, next to a bare hono HTTPS JSON echo
 * measured the same way in the same run. Prints calls/s, p50, p99 and the server's peak RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

const BIN = resolve('dist/aibridge');
const NODE = process.execPath;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 10, 50];
const CLIENTS = 5;
const H = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function healthy(port: number): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false, timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.on('error', () => res(false));
    req.end();
  });
}

async function start(cmd: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: 'ignore' });
  for (let i = 0; i < 600 && !(await healthy(port)); i++) await new Promise((r) => setTimeout(r, 100));
  return child;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Result { calls: number; seconds: number; p50: number; p99: number }

async function drive(n: number, call: (worker: number) => Promise<void>): Promise<Result> {
  const lat: number[] = [];
  const stopAt = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, async (_, w) => {
    while (performance.now() < stopAt) {
      const s = performance.now();
      await call(w);
      lat.push(performance.now() - s);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
  return { calls: lat.length, seconds, p50: q(0.5), p99: q(0.99) };
}

async function openSession(url: string, token: string): Promise<string> {
  const r = await fetch(url, { method: 'POST', headers: { ...H, authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }) });
  await r.text();
  const sid = r.headers.get('mcp-session-id');
  if (!sid) throw new Error(`initialize failed with HTTP ${r.status}`);
  return sid;
}

export async function benchMcp(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mcp-'));
  copyFileSync(BIN, join(dir, 'aibridge'));
  for (const f of ['manifest.json', 'manifest.sig']) if (existsSync(resolve('dist', f))) copyFileSync(resolve('dist', f), join(dir, f));
  const port = 19543;
  const names = Array.from({ length: CLIENTS }, (_, i) => `bench${i + 1}`);
  writeFileSync(join(dir, '.env'), [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'TLS_MAX_CONNECTIONS_PER_IP=1000', 'LOGGING_CONSOLE_ENABLED=0', 'LOGGING_LEVEL=warning',
    `AUTH_ISSUER=https://localhost:${port}`, 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*',
    `AUTH_CLIENTS=${names.map((n) => `${n}:sub-${n}-20261124:bench`).join(',')}`, '',
  ].join('\n'), { mode: 0o600 });
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'profiles', 'bench.json'), JSON.stringify({ description: 'bench: limits raised', product_scope: ['cucm'], common: { report: { rate_limit: 1_000_000 } } }));
  const server = await start(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
  const cert = join(dir, 'secrets', 'server.crt');
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert, 'utf8')]);
  const bare = await start(NODE, [resolve('bench/mcp-bare-echo.ts'), String(port + 1), cert, join(dir, 'secrets', 'server.key')], port + 1);
  const tokens = names.map((n) => readFileSync(join(dir, 'clients', n, 'secrets', '.token'), 'utf8').trim());
  const url = `https://localhost:${port}/mcp`;
  try {
    for (const n of CONCURRENCY) {
      const sessions = await Promise.all(Array.from({ length: n }, (_, w) => openSession(url, tokens[w % CLIENTS]!)));
      let id = 1;
      const ours = await drive(n, async (w) => {
        const r = await fetch(url, {
          method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }),
          headers: { ...H, authorization: `Bearer ${tokens[w % CLIENTS]}`, 'mcp-session-id': sessions[w]!, 'mcp-protocol-version': '2025-11-25' },
        });
        const body = await r.text();
        if (r.status !== 200 || !body.includes('bench')) throw new Error(`call failed: HTTP ${r.status} ${body.slice(0, 200)}`);
      });
      const echoBody = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { client: 'bench', profile: 'bench' } });
      const base = await drive(n, async () => {
        const r = await fetch(`https://localhost:${port + 1}/echo`, { method: 'POST', headers: H, body: echoBody });
        await r.text();
      });
      const rate = (x: Result): number => x.calls / x.seconds;
      console.log(`mcp N=${String(n).padStart(2)}: aibridge ${rate(ours).toFixed(0)} calls/s p50 ${ours.p50.toFixed(1)} ms p99 ${ours.p99.toFixed(1)} ms | bare hono echo ${rate(base).toFixed(0)} req/s p50 ${base.p50.toFixed(1)} ms p99 ${base.p99.toFixed(1)} ms | throughput ratio ${(rate(ours) / rate(base) * 100).toFixed(0)} %`);
    }
    console.log(`mcp peak RSS: aibridge ${peakRssMb(server.pid!).toFixed(0)} MB | bare hono echo ${peakRssMb(bare.pid!).toFixed(0)} MB`);
  } finally {
    server.kill('SIGTERM');
    bare.kill('SIGTERM');
  }
}
