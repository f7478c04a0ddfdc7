/** Issue #12 item 15: one serve per folder; pids are signalled only after proving they are that serve. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from './errors.ts';
import { SERVE_LOCK_FILE, acquireServeLock, processStartTime, runningServePid, signalServe } from './instance-lock.ts';
import { runningServerPid } from './pid-file.ts';
import { withOtherLiveProcess } from './testdata/other-live-process.ts';

test('#12.15 a second serve lock on the same folder is refused while the first is held; released locks can be retaken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-lock-'));
  const first = acquireServeLock(dir);
  assert.throws(() => acquireServeLock(dir), (e: unknown) => e instanceof AppError && e.code === 'E_RUNNING' && e.message.includes(String(process.pid)));
  assert.equal(runningServePid(dir), process.pid);
  first.release();
  assert.equal(runningServePid(dir), undefined);
  acquireServeLock(dir).release();
});

test('#12.15 a stale pid file or lock naming another live process is never taken for a serve and never signalled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-stale-'));
  await withOtherLiveProcess((pid, victim) => {
    writeFileSync(join(dir, 'aibridge.pid'), `${pid}\n`);
    assert.equal(runningServerPid(dir), undefined, 'a bare pid file does not make a running server');
    // A lock left by a dead serve whose pid was reused: same pid, other start time.
    writeFileSync(join(dir, SERVE_LOCK_FILE), JSON.stringify({ pid, start: '1', root: dir }));
    assert.equal(runningServerPid(dir), undefined);
    assert.equal(signalServe(dir, pid, 'SIGTERM'), false);
    // A lock for another folder does not count either.
    writeFileSync(join(dir, SERVE_LOCK_FILE), JSON.stringify({ pid, start: processStartTime(pid), root: '/elsewhere' }));
    assert.equal(runningServerPid(dir), undefined);
    assert.equal(victim.exitCode, null, 'the unrelated process was not signalled');
    acquireServeLock(dir).release(); // the stale lock is taken over
  });
});
