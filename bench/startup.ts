/**
 * bench/startup: exec → first `/health` 200 of `dist/aibridge serve` with existing keys, next to a
 * bare Node HTTPS server with the same certificate started the same way, in alternating pairs
 * (bench/lib/pairs.ts; BENCH_PAIRS, default 5, after one warm-up start of each), how long each
 * start-up step took (from the `startup_step` lines of app.log) and how step 4 vouched for the
 * files (`identity`: the verified-identity record of an earlier full check; `full`: every file
 * hashed, as on the first start of a copy).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measurePairs, fmt, ratio, summarise, type Metrics } from './lib/pairs.ts';
import { cpuMs, healthy, scratchInstall } from './lib/proc.ts';
import { record } from './lib/table.ts';

/** Wall time to the first /health 200, and the CPU time (user + system) the process used until then: the figure load on the host moves least. */
async function timeToHealth(cmd: string, args: string[], port: number): Promise<{ ms: number; wall0: number; cpu: number }> {
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
  const cpu = cpuMs(child.pid as number);
  const done = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await done;
  return { ms, wall0, cpu };
}

/**
 * Milliseconds of each start-up step of the run that began at `wall0`, from the `startup_step`
 * lines of logs/app.log ("exec → 1" is process start, bundle load and the configuration).
 */
function stepTimes(dir: string, wall0: number, healthAt: number): { times: Metrics; method: string } {
  let method = 'full'; // binaries before the verified-identity record always hashed every file
  const steps: Array<{ step: number; ts: number }> = [];
  for (const line of readFileSync(join(dir, 'logs', 'app.log'), 'utf8').split('\n')) {
    if (!line.includes('"startup_step"')) continue;
    const e = JSON.parse(line) as { ts: string; step: number; method?: string; state?: string };
    const ts = Date.parse(e.ts);
    if (ts < wall0 - 5) continue;
    steps.push({ step: e.step, ts });
    if (e.step === 4) method = e.state === 'skipped' ? 'skipped' : e.method ?? method;
  }
  const out: Metrics = {};
  let prev = { label: 'exec', ts: wall0 };
  for (const s of steps) { out[`${prev.label} → ${s.step}`] = s.ts - prev.ts; prev = { label: String(s.step), ts: s.ts }; }
  out[`${prev.label} → /health`] = healthAt - prev.ts;
  return { times: out, method };
}

export async function benchStartup(): Promise<void> {
  const port = 19443;
  const dir = scratchInstall('bench-start-', [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0', `AUTH_ISSUER=https://localhost:${port}`]);
  // A file changed less than 2 s before a full check is never recorded (verified-identity.ts): let
  // the fresh copy settle so that the first start's full check records it, as on an installed system.
  await new Promise((r) => setTimeout(r, 2100));
  await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port); // the first start creates keys and certificate
  const cert = readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8');
  const key = readFileSync(join(dir, 'secrets', 'server.key'), 'utf8');
  writeFileSync(join(dir, 'bare.cjs'), `require('https').createServer({cert:${JSON.stringify(cert)},key:${JSON.stringify(key)}},(q,s)=>s.end('ok')).listen(${port + 1},'127.0.0.1');process.on('SIGTERM',()=>process.exit(0));`);
  const steps: Metrics[] = [];
  const methods: string[] = [];
  const r = await measurePairs({
    ours: async () => {
      const t = await timeToHealth(join(dir, 'aibridge'), ['serve', '--dir', dir], port);
      const run = stepTimes(dir, t.wall0, t.wall0 + t.ms);
      steps.push(run.times);
      methods.push(run.method);
      return { ms: t.ms, cpu: t.cpu };
    },
    base: async () => { const t = await timeToHealth(process.execPath, [join(dir, 'bare.cjs')], port + 1); return { ms: t.ms, cpu: t.cpu }; },
  });
  const per = summarise(steps.slice(1)); // the warm-up start is not counted
  const counted = methods.slice(1);
  console.log(`startup steps of aibridge serve (ms, median and min–max of ${r.pairs}): ${Object.entries(per).map(([k, v]) => `${k} ${fmt(v, '')}`).join(' | ')}`);
  console.log(`step 4 (integrity) of those starts: ${['identity', 'full', 'skipped'].map((m) => `${counted.filter((x) => x === m).length} ${m}`).join(', ')}`);
  record('startup', {
    ours: `${fmt(r.ours.ms, 'ms')}, CPU ${fmt(r.ours.cpu, 'ms')}`, base: `bare Node ${process.version} HTTPS ${fmt(r.base.ms, 'ms')}, CPU ${fmt(r.base.cpu, 'ms')}`,
    ratio: `${ratio(r.ours.ms, r.base.ms, 'time')} (CPU ${ratio(r.ours.cpu, r.base.cpu, 'time')})`, note: `median of ${r.pairs} pairs`,
  });
}
