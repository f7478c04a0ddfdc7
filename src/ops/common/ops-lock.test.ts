import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { acquireOpsLock, OPS_LOCK_FILE } from './ops-lock.ts';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { runBackupJob } from '../backup/backup-job.ts';
import { AppError } from '../../lib/errors.ts';
import { processStartTime } from '../../lib/lock-file.ts';
import { withOtherLiveProcess } from '../../lib/testdata/other-live-process.ts';

test('acquireOpsLock() refuses a second holder and takes over a dead one (T-BK-16)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  const l = acquireOpsLock(dir, 'backup');
  assert.throws(() => acquireOpsLock(dir, 'restore'), (e: unknown) => e instanceof AppError && e.code === 'E_RUNNING' && /already running a? ?backup/.test(e.message));
  l.release();
  writeFileSync(join(dir, OPS_LOCK_FILE), '999999999 backup\n');
  acquireOpsLock(dir, 'restore').release();
});

test('the operations lock names its owner by pid and start time: a live owner refuses, a reused pid or an old-format file is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-owner-'));
  await withOtherLiveProcess((pid) => {
    writeFileSync(join(dir, OPS_LOCK_FILE), JSON.stringify({ pid, start: processStartTime(pid), op: 'restore' }));
    assert.throws(() => acquireOpsLock(dir, 'backup'), (e: unknown) => e instanceof AppError && e.code === 'E_RUNNING' && e.message.includes(`a restore is already running (pid ${pid})`));
    // The same pid with another start time is a process that reused the pid of a dead holder.
    writeFileSync(join(dir, OPS_LOCK_FILE), JSON.stringify({ pid, start: '1', op: 'restore' }));
    acquireOpsLock(dir, 'backup').release();
    writeFileSync(join(dir, OPS_LOCK_FILE), `${pid} restore\n`);
    acquireOpsLock(dir, 'backup').release();
  });
});

test('two backups at once: one runs, the other is refused', async () => {
  const inst = fixtureInstall();
  const audit = (): void => undefined;
  const results = await Promise.allSettled([runBackupJob(inst.config(), { audit, trigger: 'manual' }), runBackupJob(inst.config(), { audit, trigger: 'manual' })]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((rejected.reason as AppError).code, 'E_RUNNING');
});
