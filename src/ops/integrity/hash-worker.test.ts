import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createWorkerHasher } from './hash-worker.ts';

test('createWorkerHasher() hashes files on a worker thread as createHash does, and reports a missing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hash-worker-'));
  const big = Buffer.alloc((9 << 20) + 123, 7); // more than two 4 MiB reads
  writeFileSync(join(dir, 'big'), big);
  writeFileSync(join(dir, 'empty'), '');
  const hasher = createWorkerHasher();
  try {
    assert.equal(await hasher.hash(join(dir, 'big')), createHash('sha512').update(big).digest('hex'));
    assert.equal(await hasher.hash(join(dir, 'empty')), createHash('sha512').digest('hex'));
    await assert.rejects(hasher.hash(join(dir, 'absent')), /ENOENT/);
  } finally { await hasher.close(); }
});

test('createWorkerHasher(): an aborted hash rejects with the reason, and the hasher still works afterwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hash-worker-'));
  writeFileSync(join(dir, 'f'), Buffer.alloc(64 << 20, 1));
  const hasher = createWorkerHasher();
  try {
    const stop = new AbortController();
    const run = hasher.hash(join(dir, 'f'), stop.signal);
    stop.abort(new Error('server shutdown'));
    await assert.rejects(run, /server shutdown/);
    writeFileSync(join(dir, 'g'), 'x');
    assert.equal(await hasher.hash(join(dir, 'g')), createHash('sha512').update('x').digest('hex'));
  } finally { await hasher.close(); }
});
