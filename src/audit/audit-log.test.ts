import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from './audit-log.ts';
import { verifyAuditLog } from './verify-audit-log.ts';
import { signPss } from '../keys/pss-signature.ts';
import { AppError } from '../lib/errors.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sign = (d: Buffer): Buffer => signPss(privateKey, d);

function setup(rotateSize = 1_000_000): { dir: string; log: AuditLog; verify: () => ReturnType<typeof verifyAuditLog> } {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const cp = join(dir, 'audit.checkpoint');
  const log = AuditLog.open({ dir: join(dir, 'logs'), rotateSize, rotateFiles: 50, checkpointPath: cp, sign, checkpointEvery: 1000 });
  return { dir, log, verify: () => verifyAuditLog({ logsDir: join(dir, 'logs'), checkpointPath: cp, publicKey }) };
}

/** Another process appending `count` records (data `tag`) to the audit log set up in `dir` (testdata/append-loop.ts). */
function appendLoop(dir: string, count: number, tag: string, stdio: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  return spawn(process.execPath, [resolve('src/audit/testdata/append-loop.ts'), join(dir, 'logs'), join(dir, 'audit.checkpoint'), String(count), tag], { stdio });
}
const exited = (p: ChildProcess): Promise<number | null> => new Promise((r) => p.on('exit', r));

function lines(dir: string): string[] {
  return readFileSync(join(dir, 'logs', 'audit.log'), 'utf8').split('\n').filter(Boolean);
}

function rewrite(dir: string, ls: string[]): void {
  writeFileSync(join(dir, 'logs', 'audit.log'), `${ls.join('\n')}\n`);
}

test('verifyAuditLog() passes an untouched log and reports count and head (T-AU-01)', () => {
  const { log, verify } = setup();
  for (let i = 0; i < 10; i++) log.append('ACTIONS', 'tool_call', { i });
  log.close();
  const r = verify();
  assert.ok(r.ok);
  assert.equal(r.records, 10);
  assert.match(r.headHash, /^[0-9a-f]{64}$/);
});

test('a changed byte, a deletion, a swap and an insertion are each reported at the right record (T-AU-02)', () => {
  const { dir, log, verify } = setup();
  for (let i = 0; i < 6; i++) log.append('ACTIONS', 'tool_call', { i });
  log.close();
  const orig = lines(dir);
  const at = (ls: string[]): number | undefined => { rewrite(dir, ls); const r = verify(); assert.equal(r.ok, false); return r.ok ? undefined : r.seq; };
  assert.equal(at(orig.map((l, i) => (i === 2 ? l.replace('"i":2', '"i":7') : l))), 4, 'modified record 3 is caught at the next record');
  assert.equal(at(orig.filter((_, i) => i !== 2)), 4, 'deleted record 3');
  assert.equal(at([orig[0], orig[1], orig[3], orig[2], orig[4], orig[5]] as string[]), 4, 'swapped 3 and 4');
  const forged = JSON.parse(orig[2] as string) as Record<string, unknown>;
  assert.equal(at([...orig.slice(0, 3), JSON.stringify(forged), ...orig.slice(3)]), 3, 'inserted copy of record 3');
  rewrite(dir, orig);
  assert.ok(verify().ok);
});

test('tail truncation below the signed checkpoint is detected (T-AU-03)', () => {
  const { dir, log, verify } = setup();
  for (let i = 0; i < 5; i++) log.append('SERVER', 'e', { i });
  log.close();
  rewrite(dir, lines(dir).slice(0, 3));
  const r = verify();
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /truncated/);
});

test('a consistent rewrite of the whole chain without the key is detected (T-AU-04)', async () => {
  const { dir, log, verify } = setup();
  for (let i = 0; i < 4; i++) log.append('ACTIONS', 'e', { i });
  log.close();
  // Attacker rebuilds a valid chain with other content but cannot sign a checkpoint.
  const { dir: d2, log: forged } = setup();
  for (let i = 0; i < 4; i++) forged.append('ACTIONS', 'e', { i: i + 100 });
  forged.close();
  writeFileSync(join(dir, 'logs', 'audit.log'), readFileSync(join(d2, 'logs', 'audit.log')));
  const r = verify();
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /checkpoint|signed genesis/);
  // A checkpoint signed by another key is refused too.
  writeFileSync(join(dir, 'audit.checkpoint'), readFileSync(join(d2, 'audit.checkpoint')));
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.throws(() => verifyAuditLog({ logsDir: join(dir, 'logs'), checkpointPath: join(dir, 'audit.checkpoint'), publicKey: other.publicKey }), (e: unknown) => e instanceof AppError && e.code === 'E_AUDIT_INVALID');
});

test('hostile strings stay inside one JSON line and secrets are redacted (T-AU-05, T-AU-06)', () => {
  const { dir, log, verify } = setup();
  const evil = ['a\nb', 'c\rd', '"}\n{"category":"SERVER"', 'e\u2028f', 'x'.repeat(10_240)];
  for (const s of evil) log.append('ACTIONS', 'tool_call', { arg: s, password: 'canary-pass-123', headers: { authorization: 'Bearer canary-token-456' } });
  log.close();
  const ls = lines(dir);
  assert.equal(ls.length, evil.length);
  for (const l of ls) JSON.parse(l);
  const raw = readFileSync(join(dir, 'logs', 'audit.log'), 'utf8');
  assert.ok(!raw.includes('canary-pass-123') && !raw.includes('canary-token-456'));
  assert.ok(!raw.includes('\u2028'));
  assert.ok(verify().ok);
});

test('200 parallel writers in 4 processes give one linear chain (T-AU-07)', async () => {
  const { dir, log, verify } = setup();
  log.append('SERVER', 'server_started'); // the server's first record gets the first checkpoint
  log.close();
  await Promise.all([0, 1, 2, 3].map((n) => exited(appendLoop(dir, 50, String(n)))));
  const ls = lines(dir);
  assert.equal(ls.length, 201);
  assert.deepEqual(ls.map((l) => (JSON.parse(l) as { seq: number }).seq), Array.from({ length: 201 }, (_, i) => i + 1));
  assert.ok(verify().ok);
});

test('kill -9 during appends: the torn tail is quarantined and the chain continues (T-AU-09)', async () => {
  const { dir, log } = setup();
  log.append('SERVER', 'server_started');
  log.close();
  const child = appendLoop(dir, 100000, 'big', 'ignore');
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGKILL');
  await exited(child);
  // Simulate the worst case on top: a half-written line at the end.
  appendFileSync(join(dir, 'logs', 'audit.log'), '{"ts":"2026-01-01T00:00:00.000Z","seq":999');
  const reopened = AuditLog.open({ dir: join(dir, 'logs'), rotateSize: 1e9, rotateFiles: 3, checkpointPath: join(dir, 'audit.checkpoint'), sign });
  reopened.append('SERVER', 'after_restart');
  reopened.close();
  const ls = lines(dir);
  assert.ok(ls.some((l) => l.includes('"audit_recovered"')));
  assert.ok(readdirSync(join(dir, 'logs')).some((f) => f.startsWith('audit.log.torn-')));
  const r = verifyAuditLog({ logsDir: join(dir, 'logs'), checkpointPath: join(dir, 'audit.checkpoint'), publicKey });
  assert.ok(r.ok, r.ok ? '' : r.reason);
});

test('append fails closed with E_AUDIT_WRITE on a full disk, leaving no torn line (T-AU-10)', () => {
  const { dir } = setup();
  const logs = join(dir, 'full');
  mkdirSync(logs);
  // A real ENOSPC: a 64 KiB tmpfs (needs root, as CI has). Elsewhere the log path is made a folder (EISDIR).
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logs]).status === 0;
  try {
    const log = AuditLog.open({ dir: logs, rotateSize: 1e12, rotateFiles: 1, checkpointPath: join(dir, 'cp-full'), sign });
    if (!mounted) mkdirSync(join(logs, 'audit.log'));
    let failed: unknown;
    for (let i = 0; i < 1000 && !failed; i++) {
      try { log.append('ACTIONS', 'tool_call', { i, pad: 'z'.repeat(2000) }); } catch (e) { failed = e; }
    }
    assert.ok(failed instanceof AppError && failed.code === 'E_AUDIT_WRITE', String(failed));
    assert.match((failed as AppError).hint ?? '', /not performed/);
    assert.equal(log.healthy, false);
    if (mounted) {
      const text = readFileSync(join(logs, 'audit.log'), 'utf8');
      assert.ok(text.endsWith('\n'), 'no torn line after ENOSPC');
    }
  } finally {
    if (mounted) spawnSync('umount', [logs]);
  }
});

test('rotation links the first record of the new file to the old one; a missing middle file is detected (T-AU-11)', () => {
  const { dir, log, verify } = setup(2_000);
  for (let i = 0; i < 60; i++) log.append('ACTIONS', 'tool_call', { i, pad: 'p'.repeat(100) });
  log.close();
  const archives = readdirSync(join(dir, 'logs')).filter((f) => /^audit\.log\.\d+\.gz$/.test(f));
  assert.ok(archives.length >= 3, `archives: ${archives.join(',')}`);
  assert.ok(verify().ok);
  const { unlinkSync } = require_fs();
  unlinkSync(join(dir, 'logs', 'audit.log.2.gz'));
  const r = verify();
  assert.equal(r.ok, false);
});

test('a symlinked audit log is refused and the log is mode 600 (T-AU-13)', () => {
  const { dir, log } = setup();
  log.append('SERVER', 'x');
  log.close();
  assert.equal(statSync(join(dir, 'logs', 'audit.log')).mode & 0o777, 0o600);
  const d2 = mkdtempSync(join(tmpdir(), 'audit-sym-'));
  symlinkSync('/etc/hostname', join(d2, 'audit.log'));
  assert.throws(() => AuditLog.open({ dir: d2, rotateSize: 1e6, rotateFiles: 1, checkpointPath: join(d2, 'cp') }), /symbolic link/);
});

function require_fs(): typeof import('node:fs') {
  return process.getBuiltinModule('node:fs') as typeof import('node:fs');
}

test('caller fields cannot shadow the chain keys (ts, seq, category, event, prev)', () => {
  const { dir, log, verify } = setup();
  log.append('RATE_LIMITED', 'limited', { category: 'axl', seq: 99, prev: 'x', ts: 'y', event: 'z' });
  log.close();
  const r = JSON.parse(lines(dir)[0] as string) as Record<string, unknown>;
  assert.equal(r.category, 'RATE_LIMITED');
  assert.equal(r.seq, 1);
  assert.equal(r.category_field, 'axl');
  assert.equal(r.event_field, 'z');
  assert.ok(verify().ok);
});

test('appendMany() writes its records in order as one group commit, chained with single appends', () => {
  const { dir, log, verify } = setup();
  log.append('SERVER', 'server_started');
  const receipts = log.appendMany('SERVER', [{ event: 'profile_loaded', fields: { profile: 'a' } }, { event: 'profile_loaded', fields: { profile: 'b' } }, { event: 'profile_removed', fields: { profile: 'c' } }]);
  assert.deepEqual(receipts.map((r) => r.seq), [2, 3, 4]);
  assert.deepEqual(log.appendMany('SERVER', []), []);
  log.append('SERVER', 'after');
  log.close();
  const ls = lines(dir).map((l) => JSON.parse(l) as { seq: number; event: string; profile?: string });
  assert.deepEqual(ls.map((l) => [l.seq, l.event, l.profile]), [[1, 'server_started', undefined], [2, 'profile_loaded', 'a'], [3, 'profile_loaded', 'b'], [4, 'profile_removed', 'c'], [5, 'after', undefined]]);
  assert.ok(verify().ok);
});

test('appendAsync() group-commits concurrent records into one linear chain, mixed with sync appends', async () => {
  const { dir, log, verify } = setup();
  const receipts = await Promise.all(Array.from({ length: 200 }, (_, i) => {
    if (i === 100) log.append('SERVER', 'sync_in_between');
    return log.appendAsync('ACTIONS', 'tool_call', { i });
  }));
  log.close();
  const seqs = receipts.map((r) => r.seq).sort((a, b) => a - b);
  assert.equal(new Set(seqs).size, 200);
  const ls = lines(dir);
  assert.equal(ls.length, 201);
  assert.deepEqual(ls.map((l) => (JSON.parse(l) as { seq: number }).seq), Array.from({ length: 201 }, (_, i) => i + 1));
  assert.ok(verify().ok);
});

test('group commits keep the lock between commits, yet other processes appending meanwhile get it: one linear chain', async () => {
  const { dir, log, verify } = setup();
  log.append('SERVER', 'server_started');
  const exits = Promise.all([0, 1].map((n) => exited(appendLoop(dir, 30, `cli${n}`))));
  let running = true;
  void exits.then(() => { running = false; });
  let ours = 0;
  // This process commits without a pause for as long as the others run (a busy server).
  while (running) { await Promise.all([log.appendAsync('ACTIONS', 'tool_call', { i: ours }), log.appendAsync('ACTIONS', 'tool_call', { i: ours + 1 })]); ours += 2; }
  assert.deepEqual(await exits, [0, 0], 'each other process wrote its 30 records without timing out on the lock');
  log.close();
  const ls = lines(dir);
  assert.equal(ls.length, 1 + ours + 60);
  assert.deepEqual(ls.map((l) => (JSON.parse(l) as { seq: number }).seq), Array.from({ length: ls.length }, (_, i) => i + 1));
  assert.ok(verify().ok);
  assert.equal(existsSync(join(dir, 'logs', 'audit.log.lock')), false, 'close() lets the lock go');
});

test('appendAsync() rejects with E_AUDIT_WRITE when the disk is full (fail closed)', async (t) => {
  const { dir } = setup();
  const logs = join(dir, 'full-async');
  mkdirSync(logs);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logs]).status !== 0) { t.skip('needs root to mount a small tmpfs (CI runs as root)'); return; }
  try {
    const log = AuditLog.open({ dir: logs, rotateSize: 1e12, rotateFiles: 1, checkpointPath: join(dir, 'cp-a') });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => log.appendAsync('ACTIONS', 'tool_call', { i, pad: 'z'.repeat(2000) })));
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.ok(rejected.length > 0);
    for (const r of rejected) assert.ok(r.status === 'rejected' && r.reason instanceof AppError && r.reason.code === 'E_AUDIT_WRITE');
    assert.equal(log.healthy, false);
    const text = readFileSync(join(logs, 'audit.log'), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), 'a failed batch leaves no torn line');
    assert.equal(text.split('\n').filter(Boolean).length, results.filter((r) => r.status === 'fulfilled').length, 'exactly the acknowledged records are in the log');
  } finally {
    spawnSync('umount', [logs]);
  }
});

test('several instances: every record names its instance; exports of two chains merge by time', async () => {
  const { selectRecords } = await import('./export-records.ts');
  const base = mkdtempSync(join(tmpdir(), 'audit-inst-'));
  const a = AuditLog.open({ dir: join(base, 'a'), rotateSize: 1e7, rotateFiles: 5, checkpointPath: join(base, 'a.cp'), instance: 'aib-a:8443' });
  const b = AuditLog.open({ dir: join(base, 'b'), rotateSize: 1e7, rotateFiles: 5, checkpointPath: join(base, 'b.cp'), instance: 'aib-b:8443' });
  a.append('SERVER', 'one');
  await new Promise((r) => setTimeout(r, 5));
  b.append('SERVER', 'two');
  await new Promise((r) => setTimeout(r, 5));
  a.append('SERVER', 'three');
  a.close(); b.close();
  const merged = [...selectRecords(join(base, 'a', 'audit.log'), {}), ...selectRecords(join(base, 'b', 'audit.log'), {})]
    .filter((r) => ['one', 'two', 'three'].includes(r.event)).sort((x, y) => Date.parse(x.ts) - Date.parse(y.ts));
  assert.deepEqual(merged.map((r) => [r.event, (r as unknown as { instance: string }).instance]), [['one', 'aib-a:8443'], ['two', 'aib-b:8443'], ['three', 'aib-a:8443']]);
});

test('after a rotation, the next append continues from the head this process knows: audit.log.1.gz is not read back', { skip: spawnSync('strace', ['-qq', '-e', 'trace=none', 'true']).status === 0 ? false : 'strace is not available (apt-get install strace)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-rotated-head-'));
  const logs = join(dir, 'logs');
  const trace = join(dir, 'trace');
  // Under strace, Deno's own translation of a spawned process.execPath does not apply.
  const runtime = 'Deno' in globalThis ? [process.execPath, 'run', '-A'] : [process.execPath];
  const r = spawnSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=openat,rename', ...runtime, resolve('src/audit/testdata/rotate-then-append.ts'), logs, join(dir, 'cp')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const archive = join(logs, 'audit.log.1.gz');
  const calls = readFileSync(trace, 'utf8').split('\n');
  const written = calls.findIndex((l) => l.includes('rename(') && l.includes(`, "${archive}")`));
  assert.ok(written > 0, 'the rotation wrote audit.log.1.gz');
  const readBack = calls.slice(written).filter((l) => l.includes(`openat(AT_FDCWD, "${archive}", O_RDONLY`));
  assert.deepEqual(readBack, [], 'audit.log.1.gz opened for reading after the rotation wrote it');
  const v = verifyAuditLog({ logsDir: logs, checkpointPath: join(dir, 'cp'), publicKey: undefined });
  assert.ok(v.ok, v.ok ? '' : v.reason);
  const after = readFileSync(join(logs, 'audit.log'), 'utf8').split('\n').filter(Boolean);
  assert.equal(after.length, 1);
  assert.match(after[0] as string, /"after_rotation"/);
});
