/**
 * The single executable's entry and its V8 code cache (bench/README.md, start-up fourth pass).
 *
 * Node's SEA `useCodeCache` records the cache of its main script compiled but not run, so every
 * function the start-up calls is still parsed and compiled when first called. Instead the bundle
 * is an asset wrapped as one function (`wrapBundle`), the entry (`SEA_MAIN`) compiles it with a
 * cache recorded by `recordCodeCache` after a real `serve` start (every function that start-up
 * compiled is in it). The cache is produced by this Node binary in the build and embedded in the
 * signed executable; V8 checks it against the source and its own version and flags, and compiles
 * normally when they differ (a wrong cache is never used, a rejected one only costs time).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUNDLE_ASSET = 'aibridge.wrapped.cjs';

/**
 * V8 flags the executable starts with (SEA `execArgv`; the code cache is recorded with the same).
 * A start-up allocates ~20 MB, most of which lives on: with V8's 1 MB initial young generation that
 * is five or six scavenges copying the same survivors again (20 ms less CPU to the first /health with
 * 8 MB, nearly all of it V8's helper threads: bench/README.md "Start-up, fifth pass"). 8 MB, not 16: with
 * 16 no scavenge runs before /health and the first one, during the first MCP session, copies every
 * survivor at once (+14 ms there); with 8 the first session costs what it did. Under sustained
 * allocation V8 grows the young generation past 8 MB by itself (MCP bench before/after in that note).
 */
export const SEA_EXEC_ARGV: readonly string[] = ['--min-semi-space-size=8'];
export const CODE_CACHE_ASSET = 'aibridge.code-cache';

/** The bundle as the body of the function CommonJS would wrap it in (the same text is compiled in the build and in the binary). */
export function wrapBundle(bundle: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${bundle}\n})`;
}

/** The SEA's main script: compile the wrapped bundle with the recorded code cache and run it. */
export const SEA_MAIN = `'use strict';
const { getAsset } = require('node:sea');
const { Script } = require('node:vm');
const script = new Script(getAsset(${JSON.stringify(BUNDLE_ASSET)}, 'utf8'), { filename: __filename, cachedData: Buffer.from(getAsset(${JSON.stringify(CODE_CACHE_ASSET)})) });
script.runInThisContext()(exports, require, module, __filename, __dirname);
`;

/** Runs the wrapped bundle as SEA_MAIN does and writes its code cache on SIGUSR2 (then exits). */
const RECORDER = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { Script } = require('node:vm');
const [wrapped, out] = process.argv.splice(2, 2);
const script = new Script(readFileSync(wrapped, 'utf8'), { filename: wrapped });
process.on('SIGUSR2', () => { writeFileSync(out, script.createCachedData()); process.exit(0); });
script.runInThisContext()(exports, require, module, __filename, __dirname);
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false, timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.on('error', () => res(false));
    req.on('timeout', () => { req.destroy(); res(false); });
    req.end();
  });
}

/** Start `serve` through the recorder, wait for its first /health, then send `signal`. */
async function startOnce(root: string, recorder: string, wrapped: string, out: string, dir: string, port: number, signal: NodeJS.Signals): Promise<void> {
  const child = spawn(process.execPath, [...SEA_EXEC_ARGV, recorder, wrapped, out, 'serve', '--dir', dir], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => { done = true; });
  const until = Date.now() + 60_000;
  while (!(await healthy(port))) {
    if (done || Date.now() > until) { child.kill('SIGKILL'); throw new Error(`serve did not answer /health while recording the code cache: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  await exited;
}

/**
 * Record the code cache of `wrapped` (a file holding wrapBundle's text) into `out`: a scratch
 * install is started once to create its keys and certificate, then again as an installed
 * system starts, and the cache is written after that start's first /health.
 */
export async function recordCodeCache(root: string, wrapped: string, out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-code-cache-'));
  try {
    const port = await freePort();
    writeFileSync(join(dir, '.env'), [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0', `AUTH_ISSUER=https://localhost:${port}`, ''].join('\n'), { mode: 0o600 });
    const recorder = join(dir, 'record-code-cache.cjs');
    writeFileSync(recorder, RECORDER);
    await startOnce(root, recorder, wrapped, out, dir, port, 'SIGTERM');
    rmSync(out, { force: true });
    await startOnce(root, recorder, wrapped, out, dir, port, 'SIGUSR2');
    if (!existsSync(out)) throw new Error('the recorder wrote no code cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
