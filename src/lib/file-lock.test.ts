import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLockLease, acquireFileLockSync, lockOwnerAlive, withFileLockSync } from './file-lock.ts';
import { processStartTime } from './lock-file.ts';

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'file-lock-')), 'x.lock');
const until = async (cond: () => boolean): Promise<void> => { while (!cond()) await new Promise((r) => setTimeout(r, 5)); };

test('a lease keeps the lock file between critical sections and says whether it held it without a break', () => {
  const path = lockIn();
  const lease = new FileLockLease(path, { idleMs: 60_000, maxHoldMs: 60_000 });
  assert.equal(lease.run((continued) => continued), false, 'first critical section: the lock was just taken');
  assert.equal(readFileSync(path, 'utf8'), `${process.pid} ${processStartTime(process.pid)}`, 'the lock file names this process by pid and start time');
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
  assert.equal(inside.split(' ')[0], String(process.pid));
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

/** The pid of a process that has exited (and been reaped). */
const deadPid = (): number => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
};
const self = (): string => `${process.pid} ${processStartTime(process.pid)}`;
const refused = (path: string): void => {
  assert.throws(() => acquireFileLockSync(path, 30), (e: Error & { code?: string }) => e.code === 'E_AUDIT_WRITE' && /held by process/.test(e.message));
};

test('the owner record: pid and start time alive only together; a bare pid (older versions) while the pid exists; anything else unreadable', () => {
  assert.equal(lockOwnerAlive(self()), true);
  assert.equal(lockOwnerAlive(`${process.pid} 1`), false, 'this pid with another start time is a process that was killed and whose pid was reused');
  assert.equal(lockOwnerAlive(`${deadPid()} ${processStartTime(process.pid)}`), false);
  assert.equal(lockOwnerAlive(String(process.pid)), true);
  assert.equal(lockOwnerAlive(String(deadPid())), false);
  for (const bad of ['', ' ', '0', '-1', '12 x', '1e3', 'abc', '12 34 56', `${process.pid}\n\n`, '99999999999']) {
    assert.equal(lockOwnerAlive(bad), undefined, JSON.stringify(bad));
  }
});

test('a lock left by a killed process is taken over, also when its pid now belongs to a live process', () => {
  for (const stale of [`${process.pid} 1`, `${process.ppid} 1`, `${deadPid()} 5`, String(deadPid())]) {
    const path = lockIn();
    writeFileSync(path, stale);
    const release = acquireFileLockSync(path, 1000);
    assert.equal(readFileSync(path, 'utf8'), self(), `took over ${stale}`);
    release();
    assert.equal(existsSync(path), false);
    assert.equal(existsSync(`${path}.break`), false, 'the breaker is gone');
  }
});

test('a lock of a live process is waited for and then refused, never taken over', () => {
  const parent = processStartTime(process.ppid);
  for (const live of [`${process.ppid} ${parent}`, String(process.ppid)]) {
    const path = lockIn();
    writeFileSync(path, live);
    refused(path);
    assert.equal(readFileSync(path, 'utf8'), live, 'the live lock is untouched');
  }
});

test('an empty lock file is stale only after 2 s (its creator died before naming itself)', () => {
  const path = lockIn();
  writeFileSync(path, '');
  refused(path);
  const old = new Date(Date.now() - 5000);
  utimesSync(path, old, old);
  acquireFileLockSync(path, 1000)();
});

test('while another live process breaks a stale lock, we wait instead of deleting behind it; a breaker left by a killed process is cleared', () => {
  const path = lockIn();
  writeFileSync(path, `${deadPid()} 7`);
  writeFileSync(`${path}.break`, `${process.ppid} ${processStartTime(process.ppid)}`);
  refused(path);
  assert.equal(existsSync(path), true, 'the stale lock was left to the breaker that holds the right to remove it');
  writeFileSync(`${path}.break`, `${deadPid()} 9`);
  acquireFileLockSync(path, 1000)();
  assert.equal(existsSync(`${path}.break`), false);
});
