/**
 * Issue #12 items 2, 3 (retention) and 8: the signed checkpoint cannot be defeated by truncating,
 * emptying, deleting the first records or rebuilding the chain, and retention is told apart from
 * deletion by the signed checkpoint (T-AU-03, T-AU-04, T-AU-11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { AuditLog, type AuditLogOptions } from './audit-log.ts';
import { verifyAuditLog } from './verify-audit-log.ts';
import { signPss, verifyPss } from '../keys/pss-signature.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sign = (d: Buffer): Buffer => signPss(privateKey, d);
const verifySig = (d: Buffer, s: Buffer): boolean => verifyPss(publicKey, d, s);

function install(extra: Partial<AuditLogOptions> = {}): { dir: string; logs: string; cp: string; open: (o?: Partial<AuditLogOptions>) => AuditLog; verify: () => ReturnType<typeof verifyAuditLog>; lines: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
  const logs = join(dir, 'logs');
  const cp = join(dir, 'audit.checkpoint');
  const open = (o: Partial<AuditLogOptions> = {}): AuditLog => {
    const log = AuditLog.open({ dir: logs, rotateSize: 1e9, rotateFiles: 3, checkpointPath: cp, checkpointEvery: 1000, ...extra, ...o });
    log.setSigner(sign, verifySig);
    return log;
  };
  return {
    dir, logs, cp, open,
    verify: () => verifyAuditLog({ logsDir: logs, checkpointPath: cp, publicKey }),
    lines: () => readFileSync(join(logs, 'audit.log'), 'utf8').split('\n').filter(Boolean),
  };
}

function fill(log: AuditLog, n: number, tag = 'e'): void {
  for (let i = 0; i < n; i++) log.append('ACTIONS', tag, { i });
}

const quietStderr = (fn: () => void): void => {
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = () => true;
  try { fn(); } finally { (process.stderr as { write: unknown }).write = orig; }
};

test('#12.2 truncating audit.log while stopped: the server does not re-sign the short chain and verify fails naming what is missing', () => {
  const t = install();
  const log = t.open(); fill(log, 10); log.close();
  for (const keep of [4, 0]) {
    const copy = t.lines();
    writeFileSync(join(t.logs, 'audit.log'), keep ? `${copy.slice(0, keep).join('\n')}\n` : '');
    const critical: string[] = [];
    quietStderr(() => { const again = t.open({ onCritical: (e) => critical.push(e) }); again.append('SERVER', 'server_started'); again.close(); });
    assert.deepEqual(critical, ['audit_tampered'], `keep ${keep}`);
    const r = t.verify();
    assert.equal(r.ok, false, `keep ${keep}: verify must fail`);
    assert.match(r.ok ? '' : r.reason, /tampered|missing/);
    const tampered = t.lines().find((l) => l.includes('"audit_tampered"'));
    assert.ok(tampered, 'audit_tampered record written');
    assert.match(tampered, /"last_good_checkpoint":\{"seq":1\d/);
    assert.ok(readdirSync(t.logs).some((n) => n.startsWith('audit.log.tampered-')), 'the damaged log is kept as evidence');
  }
});

test('#12.2 emptying audit.log under a running server: the next checkpoint refuses to sign over it', () => {
  const t = install();
  const log = t.open(); fill(log, 8); log.checkpoint();
  truncateSync(join(t.logs, 'audit.log'), 0);
  quietStderr(() => { fill(log, 3, 'after'); log.close(); });
  const r = t.verify();
  assert.equal(r.ok, false);
  assert.ok(t.lines().some((l) => l.includes('"audit_tampered"')));
});

test('#12.8 deleting the first records (no archive) fails verify, not "removed by retention"', () => {
  const t = install();
  const log = t.open(); fill(log, 6); log.close();
  const ls = t.lines();
  writeFileSync(join(t.logs, 'audit.log'), `${ls.slice(2).join('\n')}\n`);
  const r = t.verify();
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /records 1\.\.2 are missing/);
});

test('#12.8 a chain rebuilt after secrets/audit.checkpoint is deleted fails verify, and the server does not sign it', () => {
  const t = install();
  const log = t.open(); fill(log, 5); log.close();
  const forger = install();
  const f = AuditLog.open({ dir: forger.logs, rotateSize: 1e9, rotateFiles: 3, checkpointPath: forger.cp });
  fill(f, 5, 'forged'); f.close();
  writeFileSync(join(t.logs, 'audit.log'), readFileSync(join(forger.logs, 'audit.log')));
  unlinkSync(t.cp);
  const r = t.verify();
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /checkpoint is missing/);
  quietStderr(() => { const again = t.open(); again.append('SERVER', 'server_started'); again.close(); });
  assert.equal(t.verify().ok, false, 'after a restart the rebuilt chain is still refused');
  assert.ok(t.lines().some((l) => l.includes('"audit_tampered"')));
});

test('#12.3 audit archives are not deleted by count, only by AUDIT_RETENTION_DAYS after a signed checkpoint names them', () => {
  const t = install({ rotateSize: 2_000, rotateFiles: 2 });
  const log = t.open(); fill(log, 120); log.close();
  const archives = (): string[] => readdirSync(t.logs).filter((n) => /^audit\.log\.\d+\.gz$/.test(n)).sort();
  assert.ok(archives().length > 4, `archives kept: ${archives().join(',')}`);
  assert.ok(t.verify().ok);
  // 400 days later, retention removes what is older than 365 days, keeping the newest archive.
  const later = t.open({ now: () => Date.now() + 400 * 86_400_000 }); fill(later, 40); later.close();
  const left = archives();
  assert.ok(left.length >= 1 && left.length < 5, `left: ${left.join(',')}`);
  const r = t.verify();
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.ok(r.ok && r.notes.some((n) => /removed by retention \(named in the signed checkpoint\)/.test(n)));
  // An archive deleted by hand is reported as deleted.
  const oldest = left[left.length - 1] as string;
  rmSync(join(t.logs, oldest));
  const bad = t.verify();
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.reason, /not name them as removed by retention|sequence jumps/);
  assert.equal(existsSync(t.cp), true);
});

test('after a rotation the next checkpoint still finds a rewritten audit.log.1.gz, or a deleted oldest archive, though it no longer reads every archive', () => {
  for (const damage of ['rewrite newest archive', 'delete oldest archive'] as const) {
    const t = install({ rotateSize: 3_000, rotateFiles: 50, checkpointEvery: 4 });
    const found: string[] = [];
    const log = t.open({ onCritical: (_e, f) => { found.push(String(f.reason)); } });
    const archives = (): string[] => readdirSync(t.logs).filter((n) => /^audit\.log\.\d+\.gz$/.test(n));
    // Rotate a few times, checkpoints in between: nothing is reported while nothing is touched.
    while (archives().length < 3) log.append('ACTIONS', 'e', { pad: 'p'.repeat(200) });
    assert.equal(found.length, 0, `an untouched chain is not reported: ${found.join(' | ')}`);
    // Right after the next rotation, before the checkpoint that follows it.
    const n = archives().length;
    while (archives().length === n) log.append('ACTIONS', 'e', { pad: 'p'.repeat(200) });
    const newest = join(t.logs, 'audit.log.1.gz');
    if (damage === 'rewrite newest archive') {
      // The record the last checkpoint names, in the archive just written.
      const { seq } = JSON.parse(readFileSync(t.cp, 'utf8')) as { seq: number };
      const ls = gunzipSync(readFileSync(newest)).toString('utf8').split('\n').filter(Boolean);
      const at = ls.findIndex((l) => (JSON.parse(l) as { seq: number }).seq === seq);
      assert.ok(at >= 0, `checkpointed record ${seq} is in audit.log.1.gz`);
      ls[at] = (ls[at] as string).replace('"pad":"p', '"pad":"q');
      writeFileSync(newest, gzipSync(`${ls.join('\n')}\n`));
    } else {
      unlinkSync(join(t.logs, `audit.log.${archives().length}.gz`));
    }
    quietStderr(() => { for (let i = 0; i < 4; i++) log.append('ACTIONS', 'e', { i }); });
    assert.equal(found.length, 1, `${damage}: ${found.join(' | ')}`);
    assert.match(found[0] as string, damage === 'rewrite newest archive' ? /differs|no longer in the log/ : /are missing and were not retired/);
    log.close();
  }
});

test('#12.8 deleting secrets/audit.checkpoint under a server that started on a fresh log is reported, not re-signed (right after a rotation too)', () => {
  for (const when of ['after a rotation (audit.log absent)', 'mid-segment'] as const) {
    const t = install({ rotateSize: 3_000, checkpointEvery: 4 });
    const found: string[] = [];
    const log = t.open({ onCritical: (_e, f) => { found.push(String(f.reason)); } });
    const archives = (): string[] => readdirSync(t.logs).filter((n) => /^audit\.log\.\d+\.gz$/.test(n));
    while (archives().length < 2) log.append('ACTIONS', 'e', { pad: 'p'.repeat(200) });
    if (when === 'mid-segment') fill(log, 2);
    assert.equal(existsSync(join(t.logs, 'audit.log')), when === 'mid-segment', 'the rotation left no audit.log');
    assert.ok(existsSync(t.cp));
    unlinkSync(t.cp);
    quietStderr(() => { fill(log, 5, 'after'); log.close(); });
    assert.equal(found.length, 1, `${when}: reported once: ${found.join(' | ')}`);
    assert.match(found[0] as string, /audit\.checkpoint is missing/);
    assert.ok(t.lines().some((l) => l.includes('"audit_tampered"')), `${when}: audit_tampered record written`);
    const r = t.verify();
    assert.equal(r.ok, false, `${when}: verify must fail`);
    assert.match(r.ok ? '' : r.reason, /tampered/);
  }
});

test('a server restarted right after a rotation, its checkpoint deleted, reports it (audit.log absent or empty, archives present)', () => {
  for (const state of ['absent', 'empty'] as const) {
    const t = install({ rotateSize: 3_000, checkpointEvery: 4 });
    const log = t.open();
    while (!existsSync(join(t.logs, 'audit.log.1.gz')) || existsSync(join(t.logs, 'audit.log'))) log.append('ACTIONS', 'e', { pad: 'p'.repeat(200) });
    log.close();
    if (state === 'empty') writeFileSync(join(t.logs, 'audit.log'), '');
    unlinkSync(t.cp);
    const critical: string[] = [];
    quietStderr(() => { const again = t.open({ onCritical: (e) => critical.push(e) }); again.append('SERVER', 'server_started'); again.close(); });
    assert.deepEqual(critical, ['audit_tampered'], state);
    const r = t.verify();
    assert.equal(r.ok, false, `${state}: verify must fail`);
    assert.match(r.ok ? '' : r.reason, /tampered/);
  }
});

test('a log whose only records are in older archives (audit.log.1.gz and the checkpoint deleted) is not signed as a fresh chain with those records "retired"', () => {
  const t = install({ rotateSize: 3_000, checkpointEvery: 4 });
  const log = t.open();
  while (!existsSync(join(t.logs, 'audit.log.2.gz')) || existsSync(join(t.logs, 'audit.log'))) log.append('ACTIONS', 'e', { pad: 'p'.repeat(200) });
  log.close();
  unlinkSync(join(t.logs, 'audit.log.1.gz'));
  unlinkSync(t.cp);
  const critical: string[] = [];
  quietStderr(() => { const again = t.open({ onCritical: (e) => critical.push(e) }); again.append('SERVER', 'server_started'); again.close(); });
  assert.deepEqual(critical, ['audit_tampered']);
  const r = t.verify();
  assert.equal(r.ok, false, 'verify must fail');
  assert.doesNotMatch(r.ok ? '' : r.reason, /removed by retention \(named/);
});
