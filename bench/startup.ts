/**
 * bench/startup: exec → first `/health` 200 of `dist/aibridge serve` with existing keys, next to a
 * bare Node 26 HTTPS server started the same way on the same machine (median of N runs each).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BIN = resolve('dist/aibridge');

function healthOnce(port: number): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false, timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.on('error', () => res(false));
    req.on('timeout', () => { req.destroy(); res(false); });
    req.end();
  });
}

async function timeToHealth(cmd: string, args: string[], port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: 'ignore' });
  for (;;) {
    if (await healthOnce(port)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function benchStartup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  copyFileSync(BIN, join(dir, 'aibridge'));
  const port = 19443;
  writeFileSync(join(dir, '.env'), `MCP_SERVER_HOST=127.0.0.1\nMCP_SERVER_PORT=${port}\nAUTH_RSA_KEY_SIZE=2048\nLOGGING_CONSOLE_ENABLED=0\nAUTH_ISSUER=https://localhost:${port}\n`, { mode: 0o600 });
  await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port); // first run creates keys and certificate
  const cert = readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8');
  const key = readFileSync(join(dir, 'secrets', 'server.key'), 'utf8');
  writeFileSync(join(dir, 'bare.cjs'), `require('https').createServer({cert:${JSON.stringify(cert)},key:${JSON.stringify(key)}},(q,s)=>s.end('ok')).listen(${port + 1},'127.0.0.1');process.on('SIGTERM',()=>process.exit(0));`);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port));
    bare.push(await timeToHealth(process.execPath, [join(dir, 'bare.cjs')], port + 1));
  }
  const o = median(ours);
  const b = median(bare);
  console.log(`startup (median of ${RUNS}): aibridge serve ${o.toFixed(0)} ms | bare Node ${process.version} HTTPS ${b.toFixed(0)} ms | ratio ${(o / b).toFixed(2)}x`);
}
