import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from './errors.ts';
import { processStartTime, takeLockFile } from './lock-file.ts';
import type { TakeLockOptions } from './lock-file.ts';
import { breakStaleLock } from './stale-lock.ts';

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'lock-file-')), 'x.lock');
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
const deadOwner = (): string => `${JSON.stringify({ pid: deadPid(), start: '7', op: 'backup' })}\n`;
const opts: TakeLockOptions = {
  fields: { op: 'test' },
  holds: (o) => processStartTime(o.pid) === o.start,
  refused: (o) => new AppError('E_RUNNING', `held by ${o.pid}`),
  contended: () => new AppError('E_RUNNING', 'contended'),
};
const contended = (e: unknown): boolean => e instanceof AppError && e.message === 'contended';

test('a lock left by a dead owner is taken over and names the new owner', () => {
  const path = lockIn();
  writeFileSync(path, deadOwner());
  const lock = takeLockFile(path, opts);
  const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; op: string };
  assert.deepEqual([owner.pid, owner.op], [process.pid, 'test']);
  lock.release();
  assert.equal(existsSync(path), false);
});

test('a stale lock is not removed while another live process holds its breaker (no delete behind a concurrent take-over)', () => {
  const path = lockIn();
  const stale = deadOwner();
  writeFileSync(path, stale);
  writeFileSync(`${path}.break`, `${process.ppid} ${processStartTime(process.ppid)}`);
  assert.throws(() => takeLockFile(path, opts), contended);
  assert.equal(readFileSync(path, 'utf8'), stale, 'the stale lock was left to the process breaking it');
});

test('a lock file without an owner is not taken over while it may be one just created and not yet named', () => {
  const path = lockIn();
  writeFileSync(path, '');
  const future = new Date(Date.now() + 60_000); // always "just created" for this test
  utimesSync(path, future, future);
  assert.throws(() => takeLockFile(path, opts), contended);
  assert.equal(existsSync(path), true);
  const old = new Date(Date.now() - 10_000);
  utimesSync(path, old, old);
  takeLockFile(path, opts).release();
});

test('breaking a stale lock removes it only if it still holds the stale record', () => {
  const path = lockIn();
  writeFileSync(path, 'fresh owner');
  assert.equal(breakStaleLock(path, 'the stale owner read earlier'), true);
  assert.equal(readFileSync(path, 'utf8'), 'fresh owner');
  assert.equal(breakStaleLock(path, 'fresh owner'), true);
  assert.equal(existsSync(path), false);
  assert.equal(existsSync(`${path}.break`), false, 'the breaker is let go');
});

test('a live owner is refused, never taken over', () => {
  const path = lockIn();
  const lock = takeLockFile(path, opts);
  assert.throws(() => takeLockFile(path, opts), (e: unknown) => e instanceof AppError && e.message === `held by ${process.pid}`);
  lock.release();
});
