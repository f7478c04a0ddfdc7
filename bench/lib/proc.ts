/** Process and install helpers shared by the benches: start a server and wait for /health, peak RSS, a scratch install. */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(process.env.AIBRIDGE_BIN ?? 'dist/aibridge');

/** One GET /health over HTTPS (certificate not checked: only liveness). */
export function healthy(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ host, port, path: '/health', rejectUnauthorized: false, timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.on('error', () => res(false));
    req.on('timeout', () => { req.destroy(); res(false); });
    req.end();
  });
}

/** Poll until `check` holds (every `everyMs`, for at most `seconds`), else throw naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, seconds = 300, everyMs = 100): Promise<void> {
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`no ${what} within ${seconds} s`);
}

/** Spawn a server and wait for its /health; throws (and kills it) if it exits first or never answers. */
export async function startServer(cmd: string, args: string[], port: number, seconds = 60, env?: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  try {
    await waitFor(async () => { if (exited) throw new Error(`${cmd} exited before /health: ${stderr}`); return healthy(port); }, `/health on ${port}`, seconds, 50);
  } catch (err) { child.kill('SIGKILL'); throw err; }
  return child;
}

/** SIGTERM and wait for the exit. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** Peak (VmHWM) or current (VmRSS) resident set of a process, MiB. */
export function rssMiB(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A scratch install: a copy of the binary (+ its signed manifest) and a `.env` of the given lines, mode 600. */
export function scratchInstall(prefix: string, envLines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  copyFileSync(BIN, join(dir, 'aibridge'));
  for (const f of ['manifest.json', 'manifest.sig']) if (existsSync(join(BIN, '..', f))) copyFileSync(join(BIN, '..', f), join(dir, f));
  writeFileSync(join(dir, '.env'), [...envLines, ''].join('\n'), { mode: 0o600 });
  return dir;
}

/** Run `n` concurrent loops of `call` for `seconds`; rate (calls/s), p50, p99 (ms). */
export async function drive(n: number, seconds: number, call: (worker: number) => Promise<void>): Promise<{ rate: number; p50: number; p99: number; calls: number }> {
  const lat: number[] = [];
  const t0 = performance.now();
  const stopAt = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: n }, async (_, w) => {
    while (performance.now() < stopAt) {
      const s = performance.now();
      await call(w);
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
  return { rate: lat.length / secs, p50: q(0.5), p99: q(0.99), calls: lat.length };
}

/** CPU time (user + system, ms) a process has used so far: a figure other load on the machine barely changes. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux we build for (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** `drive` plus the server's CPU ms per call (pid = the server under test). */
export async function driveWithCpu(pid: number, n: number, seconds: number, call: (worker: number) => Promise<void>): Promise<{ rate: number; p50: number; p99: number; calls: number; cpu: number }> {
  const c0 = cpuMs(pid);
  const r = await drive(n, seconds, call);
  return { ...r, cpu: (cpuMs(pid) - c0) / r.calls };
}
