import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { runBackupJob } from './backup-job.ts';
import { AppError } from '../../lib/errors.ts';

function writeRandom(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, chunk);
  closeSync(fd);
}

function peakRss(mib: number): { totalRss: number; bytes: number } {
  const inst = fixtureInstall();
  writeRandom(join(inst.dir, 'clients', 'alice', 'reports', 'big.bin'), mib);
  try {
    const r = spawnSync(process.execPath, ['src/ops/testdata/backup-rss.ts', inst.dir], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { totalRss: number; bytes: number };
  } finally { rmSync(inst.dir, { recursive: true, force: true }); }
}

test('backup and restore memory stays flat: 320 MiB costs no more than 20 MiB does (+80 MB, far below the 300 MB a buffering backup adds)', () => {
  const small = peakRss(20);
  const large = peakRss(320);
  assert.ok(large.bytes > 320 * 1048576, `backup holds the data (${large.bytes} bytes)`);
  const grow = (large.totalRss - small.totalRss) / 1e6;
  assert.ok(grow < 80, `peak RSS grew by ${grow.toFixed(0)} MB (${(small.totalRss / 1e6).toFixed(0)} → ${(large.totalRss / 1e6).toFixed(0)} MB)`);
  assert.ok(large.totalRss < 250e6, `peak RSS ${(large.totalRss / 1e6).toFixed(0)} MB`);
});

test('disk full during backup: temp file removed, error reported, no "backup created" audit (T-BK-10)', (t) => {
  const inst = fixtureInstall(['BACKUP_DIR=./small/']);
  mkdirSync(join(inst.dir, 'small'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(inst.dir, 'small')]);
  if (mount.status !== 0) { t.skip('needs root to mount a small tmpfs (CI runs as root)'); return; }
  writeRandom(join(inst.dir, 'clients', 'alice', 'reports', 'big.bin'), 3);
  const events: string[] = [];
  return runBackupJob(inst.config(), { audit: (_c, e) => { events.push(e); }, trigger: 'manual' }).then(
    () => assert.fail('backup succeeded on a full disk'),
    (err: unknown) => {
      assert.ok(err instanceof AppError && /disk is full/.test(err.message), String(err));
      assert.deepEqual(readdirSync(join(inst.dir, 'small')), []);
      assert.deepEqual(events, ['backup_failed']);
    },
  ).finally(() => { spawnSync('umount', [join(inst.dir, 'small')]); if (existsSync(inst.dir)) rmSync(inst.dir, { recursive: true, force: true }); });
});
