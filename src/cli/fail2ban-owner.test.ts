/** Issue #12 items 17 and 19: state-writing commands run as the install's owner; Fail2Ban has list and unblock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { runCli } from './main-cli.ts';
import { checkInstallOwner, userName } from './install-owner.ts';
import { ExpiringSetFile } from '../state/local/expiring-set-file.ts';

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  (process.stdout as { write: unknown }).write = (s: string) => { out += s; return true; };
  (process.stderr as { write: unknown }).write = (s: string) => { out += s; return true; };
  try { return { code: await runCli(argv), out }; } finally { (process.stdout as { write: unknown }).write = o; (process.stderr as { write: unknown }).write = e; }
}

function install(): string {
  const dir = mkdtempSync(join(tmpdir(), 'f2b-'));
  writeFileSync(join(dir, '.env'), 'LOGGING_CONSOLE_ENABLED=0\nAUTH_RSA_KEY_SIZE=2048\n', { mode: 0o600 });
  mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
  return dir;
}

test('#12.19 aibridge fail2ban list and unblock IP (audited; the shared block file is updated for a running serve)', async () => {
  const dir = install();
  const until = Math.floor(Date.now() / 1000) + 600;
  const blocks = new ExpiringSetFile(join(dir, 'secrets', 'blocked-ips.json'));
  blocks.set([['192.0.2.10', until], ['2001:db8::7', until]]);
  const list = await capture(['fail2ban', 'list', '--dir', dir]);
  assert.equal(list.code, 0, list.out);
  assert.match(list.out, /192\.0\.2\.10 {2}blocked until/);
  assert.match(list.out, /2001:db8::7/);
  const un = await capture(['fail2ban', 'unblock', '192.0.2.10', '--dir', dir]);
  assert.equal(un.code, 0, un.out);
  assert.equal(blocks.has('192.0.2.10'), false, 'a reader of the same file (the server) sees the unblock');
  assert.equal(blocks.has('2001:db8::7'), true);
  const audit = readFileSync(join(dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"category":"AUTH","event":"ip_unblocked_by_operator".*"source_ip":"192\.0\.2\.10"/);
  for (const bad of [['unblock', '192.0.2.99'], ['unblock', 'not-an-ip'], ['unblock']]) {
    const r = await capture(['fail2ban', ...bad, '--dir', dir]);
    assert.notEqual(r.code, 0, bad.join(' '));
  }
});

test('#12.17 a state-writing command run by another user than the install owner refuses with the exact sudo -u line', async () => {
  const dir = install();
  const me = process.getuid?.() ?? 0;
  for (const argv of [['backup'], ['credentials', 'set', 'x'], ['rotate'], ['restore', '--file', 'x']]) {
    assert.throws(() => checkInstallOwner(dir, argv, me + 1), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN'
      && (e.hint ?? '').includes(`sudo -u ${userName(me)} aibridge ${argv.join(' ')} --dir ${dir}`), argv.join(' '));
  }
  assert.doesNotThrow(() => checkInstallOwner(dir, ['backup'], me));
  // Through the CLI, as the owner, nothing changes; read-only commands are never refused.
  assert.equal((await capture(['fail2ban', 'list', '--dir', dir])).code, 0);
});
