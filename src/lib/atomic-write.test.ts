import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.ts';
import { AppError } from './errors.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'aw-'));

test('writeFileAtomicSync() creates the file with mode 600 and no temp left', () => {
  const d = dir();
  writeFileAtomicSync(join(d, 'k.pem'), 'secret');
  assert.equal(readFileSync(join(d, 'k.pem'), 'utf8'), 'secret');
  assert.equal(statSync(join(d, 'k.pem')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(d), ['k.pem']);
});

test('writeFileAtomic() replaces an existing file whole and honours the mode', async () => {
  const d = dir();
  writeFileSync(join(d, 'f'), 'old');
  await writeFileAtomic(join(d, 'f'), 'new content', { mode: 0o644 });
  assert.equal(readFileSync(join(d, 'f'), 'utf8'), 'new content');
  assert.equal(statSync(join(d, 'f')).mode & 0o777, 0o644);
});

test('writeFileAtomicSync() creates missing parents with mode 700', () => {
  const d = dir();
  writeFileAtomicSync(join(d, 'a', 'b', 'c'), 'x');
  assert.equal(statSync(join(d, 'a')).mode & 0o777, 0o700);
});

test('writeFileAtomic() fails with E_STATE_WRITE, keeps the old file and leaves no temp', async () => {
  if (process.getuid?.() === 0) {
    // root ignores directory modes; use a path whose parent is a file instead
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    await assert.rejects(writeFileAtomic(join(d, 'file', 'child'), 'y'), (e: unknown) => e instanceof AppError && e.code === 'E_STATE_WRITE');
    return;
  }
  const d = dir();
  mkdirSync(join(d, 'ro'));
  writeFileSync(join(d, 'ro', 'f'), 'old');
  chmodSync(join(d, 'ro'), 0o500);
  await assert.rejects(writeFileAtomic(join(d, 'ro', 'f'), 'new'), (e: unknown) => e instanceof AppError && e.code === 'E_STATE_WRITE');
  assert.equal(readFileSync(join(d, 'ro', 'f'), 'utf8'), 'old');
});
