import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLockLease, withFileLockSync } from './file-lock.ts';

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'file-lock-')), 'x.lock');
const until = async (cond: () => boolean): Promise<void> => { while (!cond()) await new Promise((r) => setTimeout(r, 5)); };

test('a lease keeps the lock file between critical sections and says whether it held it without a break', () => {
  const path = lockIn();
  const lease = new FileLockLease(path, { idleMs: 60_000, maxHoldMs: 60_000 });
  assert.equal(lease.run((continued) => continued), false, 'first critical section: the lock was just taken');
  assert.equal(readFileSync(path, 'utf8'), String(process.pid), 'the lock file names this process');
  assert.equal(lease.run((continued) => continued), true);
  lease.release();
  assert.equal(existsSync(path), false);
  assert.equal(lease.run((continued) => continued), false, 'taken again after a release');
  lease.release();
});

test('another user of the same lock in this process takes it over instead of waiting for the lease', () => {
  const path = lockIn();
  const lease = new FileLockLease(path, { idleMs: 60_000, maxHoldMs: 60_000 });
  lease.run(() => undefined);
  const inside = withFileLockSync(path, () => readFileSync(path, 'utf8'), 100);
  assert.equal(inside, String(process.pid));
  assert.equal(lease.held, false, 'the lease ended before the other user took the lock');
  assert.equal(existsSync(path), false);
  assert.equal(lease.run((continued) => continued), false, 'the next critical section knows the lock was let go');
  lease.release();
});

test('an idle lease lets the lock go', async () => {
  const path = lockIn();
  const lease = new FileLockLease(path, { idleMs: 10 });
  lease.run(() => undefined);
  await until(() => !existsSync(path));
  assert.equal(lease.held, false);
});

test('after a long hold the lease lets go, then takes the lock only while each critical section runs', async () => {
  const path = lockIn();
  const lease = new FileLockLease(path, { idleMs: 60_000, maxHoldMs: 1, yieldMs: 60_000 });
  lease.run(() => undefined);
  await new Promise((r) => setTimeout(r, 5));
  const during = lease.run((continued) => ({ continued, locked: existsSync(path) }));
  assert.deepEqual(during, { continued: false, locked: true }, 'the critical section still runs under the lock');
  assert.equal(existsSync(path), false, 'and the lock is free between critical sections while others may be waiting');
  assert.equal(lease.held, false);
});
