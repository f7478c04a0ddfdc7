/**
 * `aibridge setup` on a real pseudo-terminal (util-linux `script` gives the binary a pty): answers
 * are typed key by key, wrong ones are re-asked with the reason, the .env is checked and serve
 * starts on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, newInstall, startServe } from './helpers/install.ts';


const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const ENTER = '\r';
const TOGGLE = '\x1b[D';
const erase = (n: number): string => '\x7f'.repeat(n);

interface Pty { expect(re: RegExp): Promise<void>; send(keys: string): void; exited: Promise<number | null>; text(): string; kill(): void }

/** Run a command on a pty; expect() waits (bounded) for a pattern in the output since the last send. */
function pty(cmd: string, cwd: string): Pty {
  const proc = spawn('script', ['-qfec', `stty cols 120 rows 40; ${cmd}`, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', TERM: 'xterm' } });
  let raw = '';
  let mark = 0;
  const waiters: Array<() => void> = [];
  // Escape sequences may be split across chunks: strip them from the whole text, not per chunk.
  const text = (): string => raw.replace(ANSI, '');
  proc.stdout.on('data', (d: Buffer) => { raw += d.toString('utf8'); for (const w of waiters.splice(0)) w(); });
  proc.stderr.on('data', (d: Buffer) => { raw += d.toString('utf8'); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => { for (const w of waiters.splice(0)) w(); r(c); }));
  return {
    text,
    exited,
    kill() { if (proc.exitCode === null) proc.kill('SIGKILL'); },
    send(keys: string) { mark = text().length; proc.stdin.write(keys); },
    async expect(re: RegExp) {
      const deadline = Date.now() + 20_000;
      while (!re.test(text().slice(mark))) {
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`waited for ${re} in:\n${text().slice(-1500)}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 500); });
      }
    },
  };
}

test('setup wizard on a pty: bad answers are re-asked with the reason, .env is written 600 and serve starts on it', async () => {
  const install = await newInstall();
  rmSync(join(install.dir, '.env'));
  const port = await freePort();
  const busy = createServer();
  const busyPort = await freePort();
  await new Promise<void>((r) => busy.listen(busyPort, '127.0.0.1', () => r()));
  const t = pty(`./aibridge setup --dir ${install.dir}`, install.dir);
  try {
    const step = async (prompt: RegExp, keys: string): Promise<void> => { await t.expect(prompt); t.send(keys); };
    await step(/FQDN/, `bad${ENTER}`);
    await step(/not a fully qualified DNS name/, `${erase(3)}mcp.bank.example${ENTER}`);
    await step(/Listen on address/, `127.0.0.1${ENTER}`);
    await step(/HTTPS port/, `${busyPort}${ENTER}`);
    await step(/already in use[\s\S]*HTTPS port/, `${port}${ENTER}`);
    await step(/Authentication mode/, ENTER);
    await step(/Environment/, ENTER);
    await step(/Client 1: name/, `alice${ENTER}`);
    await step(/Profile for alice/, `root${ENTER}`);
    await step(/does not exist/, `${erase(4)}admin${ENTER}`);
    await step(/Add another client/, `${TOGGLE}${ENTER}`);
    await step(/Client 2: name/, `Alice${ENTER}`);
    await step(/used twice/, `${erase(5)}bot1${ENTER}`);
    await step(/Profile for bot1/, ENTER);
    await step(/Add another client/, ENTER);
    await step(/Declare a Cisco node now/, ENTER);
    await step(/Node name/, `cucm-pub${ENTER}`);
    await step(/Product of cucm-pub/, ENTER);
    await step(/Address of cucm-pub/, `127.0.0.1${ENTER}`);
    await step(/loopback address/, `${erase(9)}10.1.1.5${ENTER}`);
    await step(/Cluster of cucm-pub/, ENTER);
    await step(/Role of cucm-pub/, ENTER);
    await step(/Declare another Cisco node/, ENTER);
    await step(/Server certificate/, ENTER);
    await step(/Enable scheduled encrypted backups/, `${TOGGLE}${ENTER}`);
    await t.expect(/setup: wrote/);
    assert.equal(await t.exited, 0, t.text());
  } finally {
    busy.close();
    t.kill();
  }
  const envPath = join(install.dir, '.env');
  assert.equal(statSync(envPath).mode & 0o777, 0o600);
  const env = readFileSync(envPath, 'utf8');
  assert.match(env, new RegExp(`^AUTH_ISSUER=https://mcp\\.bank\\.example:${port}$`, 'm'));
  assert.match(env, /^AUTH_CLIENTS=alice:sub-alice-\d{8}:admin,bot1:sub-bot1-\d{8}:operator$/m);
  assert.match(env, /^CISCO_NODES=cucm-pub:cucm:10\.1\.1\.5:cucm1:publisher$/m);
  assert.match(env, /^MCP_SERVER_HOST=127\.0\.0\.1$/m);
  appendFileSync(envPath, 'AUTH_RSA_KEY_SIZE=2048\nLOGGING_CONSOLE_ENABLED=0\n');
  const serve = await startServe({ ...install, port });
  try {
    assert.ok(statSync(join(install.dir, 'clients', 'alice', 'secrets', '.token')).size > 0);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});
