/**
 * End-to-end helpers: a scratch install holding only the built binary, its manifest and a .env,
 * `aibridge serve` started on a free loopback port, and clean stops. Tests run the real binary.
 *
 * Scratch folders (`scratchDir`, and so every `newInstall`, each with a 150 MB copy of the binary)
 * are deleted when their owner is done: one made inside a test, after that test (and after its own
 * `t.after` hooks); one made in a `before` hook or at module level, when the test file's process
 * exits. A failed test's folders are kept only when AIBRIDGE_TEST_KEEP_FAILED=1 (their paths are
 * printed to stderr), for debugging; by default everything goes, so repeated runs never fill /tmp.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { afterEach, beforeEach } from 'node:test';
import type { TestContext } from 'node:test';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';
import { issueLicense } from '../../src/license/sign-license.ts';
import { freePort } from '../../src/lib/testdata/free-port.ts';
import type { LicenseRequest } from '../../src/license/sign-license.ts';
import { loadReleaseKey, releaseKeyKind, releaseKeyPath } from '../../scripts/release-key.ts';

export const DIST = resolve('dist');
export const BIN = join(DIST, 'aibridge');

/** Fail loudly when the binary was not built (tests run after `npm run build`). */
export function requireBinary(): string {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`);
  return BIN;
}

const KEEP_FAILED = process.env.AIBRIDGE_TEST_KEEP_FAILED === '1';
/** Folders made while a test runs, one list per running test (a subtest nests inside its parent). */
const running: string[][] = [];
/** Folders made outside any test (before hooks, module level): removed at process exit. */
const fileLevel: string[] = [];
let failedInFile = false;

function removeAll(dirs: readonly string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
}

function keep(dirs: readonly string[], why: string): void {
  if (dirs.length) process.stderr.write(`AIBRIDGE_TEST_KEEP_FAILED=1: kept for ${why}: ${dirs.join(' ')}\n`);
}

// Hooks of the importing test file's root: they apply to every test and subtest in it.
beforeEach(() => { running.push([]); });
afterEach((ctx) => {
  const dirs = running.pop() ?? [];
  const t = ctx as TestContext;
  // Registered now, so it runs after the test's own t.after hooks (which may still stop a serve).
  t.after(() => {
    if (!t.passed) failedInFile = true;
    if (!t.passed && KEEP_FAILED) keep(dirs, `failed test "${t.name}"`); else removeAll(dirs);
  });
});
process.on('exit', (code) => {
  if ((failedInFile || code !== 0) && KEEP_FAILED) keep(fileLevel, 'this file (a test failed)'); else removeAll(fileLevel);
});

/**
 * A fresh folder under the OS temp dir, deleted when the current test ends (or, outside a test,
 * when this test file's process exits); see the module comment.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (running.at(-1) ?? fileLevel).push(dir);
  return dir;
}

export { freePort };

export interface Install { dir: string; port: number; bin: string }

/**
 * A development licence signed with this checkout's release key (the one `npm run build` embedded),
 * as scripts/issue-license.ts issues it. Default: enterprise, 30 days.
 */
export async function issueTestLicense(req: Partial<LicenseRequest> = {}): Promise<string> {
  const { privateKey, publicKey } = loadReleaseKey(resolve('.'));
  const kind = releaseKeyKind(releaseKeyPath(resolve('.')));
  return (await issueLicense({ customer: 'e2e tests', tier: 'enterprise', days: 30, ...req }, privateKey, publicKey, kind)).token;
}

/** Write a licence as `aibridge license install` would (secrets/ 700, license.jwt 600). */
export function writeLicense(install: Install, token: string): void {
  mkdirSync(join(install.dir, 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(join(install.dir, 'secrets', 'license.jwt'), `${token}\n`, { mode: 0o600 });
}

export interface InstallOptions {
  /** Licence to install: a request for issueTestLicense (default enterprise), or false for none. */
  license?: Partial<LicenseRequest> | false;
}

/**
 * A fresh install folder with the binary, manifest, a minimal .env plus `extra` lines, and a
 * development enterprise licence unless `options.license` is false. Deleted like `scratchDir`.
 */
export async function newInstall(extra: string[] = [], port?: number, options: InstallOptions = {}): Promise<Install> {
  requireBinary();
  const p = port ?? await freePort();
  const dir = scratchDir('aibridge-e2e-');
  copyFileSync(BIN, join(dir, 'aibridge'));
  chmodSync(join(dir, 'aibridge'), 0o755);
  for (const f of ['manifest.json', 'manifest.sig']) if (existsSync(join(DIST, f))) copyFileSync(join(DIST, f), join(dir, f));
  const env = [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${p}`, `AUTH_ISSUER=https://localhost:${p}`, 'AUTH_RSA_KEY_SIZE=2048',
    'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*',
    `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${p},https://127.0.0.1:${p}`, 'LOGGING_CONSOLE_ENABLED=0', ...extra,
  ];
  writeFileSync(join(dir, '.env'), `${env.join('\n')}\n`, { mode: 0o600 });
  const install = { dir, port: p, bin: join(dir, 'aibridge') };
  if (options.license !== false) writeLicense(install, await issueTestLicense(options.license ?? {}));
  return install;
}

/** GET https://127.0.0.1:port/path without certificate checks; resolves status and body. */
export function httpsGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((res, rej) => {
    // agent: false: a fresh connection each time. A pooled keep-alive socket the server closed while
    // this process was blocked in spawnSync would be reused and fail with "socket hang up".
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, rejectUnauthorized: false, timeout: 5000, agent: false }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => { body += d; });
      r.on('end', () => res({ status: r.statusCode ?? 0, body, headers: r.headers }));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export interface Running { proc: ChildProcess; output: () => string; stop(signal?: NodeJS.Signals): Promise<number | null> }

/** Start `aibridge serve` and wait (≤60 s) for /health. */
export async function startServe(install: Install, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const proc = spawn(install.bin, ['serve', '--dir', install.dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  for (let i = 0; i < 240; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited early (${proc.exitCode}): ${out}`);
    try { if ((await httpsGet(install.port, '/health')).body === 'ok') break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
    if (i === 239) { proc.kill('SIGKILL'); throw new Error(`no /health within 60 s: ${out}`); }
  }
  return {
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Run the binary once; returns exit code and combined output. */
export function runBin(install: Install, args: string[], input?: string): { code: number | null; out: string } {
  const r = spawnSync(install.bin, [...args, '--dir', install.dir], { input, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
