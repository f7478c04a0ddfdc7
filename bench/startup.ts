/**
 * bench/startup: exec → first `/health` 200 of `dist/aibridge serve` with existing keys, next to a
 * bare Node HTTPS server with the same certificate started the same way, in alternating pairs
 * (bench/lib/pairs.ts; BENCH_PAIRS, default 5, after one warm-up start of each), and how long each
 * start-up step took (from the `startup_step` lines of app.log).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measurePairs, fmt, ratio, summarise, type Metrics } from './lib/pairs.ts';
import { healthy, scratchInstall } from './lib/proc.ts';
import { record } from './lib/table.ts';

async function timeToHealth(cmd: string, args: string[], port: number): Promise<{ ms: number; wall0: number }> {
  const wall0 = Date.now();
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => { exited = true; });
  for (;;) {
    if (await healthy(port)) break;
    if (exited) throw new Error(`${cmd} exited before /health`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  const done = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await done;
  return { ms, wall0 };
}

/**
 * Milliseconds of each start-up step of the run that began at `wall0`, from the `startup_step`
 * lines of logs/app.log ("exec → 1" is process start, bundle load and the configuration).
 */
function stepTimes(dir: string, wall0: number, healthAt: number): Metrics {
  const steps: Array<{ step: number; ts: number }> = [];
  for (const line of readFileSync(join(dir, 'logs', 'app.log'), 'utf8').split('\n')) {
    if (!line.includes('"startup_step"')) continue;
    const e = JSON.parse(line) as { ts: string; step: number };
    const ts = Date.parse(e.ts);
    if (ts >= wall0 - 5) steps.push({ step: e.step, ts });
  }
  const out: Metrics = {};
  let prev = { label: 'exec', ts: wall0 };
  for (const s of steps) { out[`${prev.label} → ${s.step}`] = s.ts - prev.ts; prev = { label: String(s.step), ts: s.ts }; }
  out[`${prev.label} → /health`] = healthAt - prev.ts;
  return out;
}

export async function benchStartup(): Promise<void> {
  const port = 19443;
  const dir = scratchInstall('bench-start-', [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0', `AUTH_ISSUER=https://localhost:${port}`]);
  await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port); // the first start creates keys and certificate
  const cert = readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8');
  const key = readFileSync(join(dir, 'secrets', 'server.key'), 'utf8');
  writeFileSync(join(dir, 'bare.cjs'), `require('https').createServer({cert:${JSON.stringify(cert)},key:${JSON.stringify(key)}},(q,s)=>s.end('ok')).listen(${port + 1},'127.0.0.1');process.on('SIGTERM',()=>process.exit(0));`);
  const steps: Metrics[] = [];
  const r = await measurePairs({
    ours: async () => {
      const t = await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
      steps.push(stepTimes(dir, t.wall0, t.wall0 + t.ms));
      return { ms: t.ms };
    },
    base: async () => ({ ms: (await timeToHealth(process.execPath, [join(dir, 'bare.cjs')], port + 1)).ms }),
  });
  const per = summarise(steps.slice(1)); // the warm-up start is not counted
  console.log(`startup steps of aibridge serve (ms, median and min–max of ${r.pairs}): ${Object.entries(per).map(([k, v]) => `${k} ${fmt(v, '')}`).join(' | ')}`);
  record('startup', { ours: fmt(r.ours.ms, 'ms'), base: `bare Node ${process.version} HTTPS ${fmt(r.base.ms, 'ms')}`, ratio: ratio(r.ours.ms, r.base.ms, 'time'), note: `median of ${r.pairs} pairs` });
}
