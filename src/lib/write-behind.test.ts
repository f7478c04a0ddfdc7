import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBehind } from './write-behind.ts';

test('write-behind: every byte lands in order, whatever the batch and chunk sizes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-wb-'));
  for (const [high, sizes] of [[1, [1, 7, 3]], [64, [5, 200, 1, 63]], [4096, [4096, 1, 8191]], [1 << 20, [16384]]] as const) {
    const path = join(dir, `f-${high}`);
    const fh = await open(path, 'w');
    const sink = new WriteBehind(fh, high);
    const parts: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const n = sizes[i % sizes.length]!;
      const b = Buffer.alloc(n, i % 251);
      parts.push(b);
      await sink.write(b);
    }
    await sink.write(Buffer.alloc(0));
    await sink.flush();
    await fh.close();
    assert.ok(readFileSync(path).equals(Buffer.concat(parts)), `high water ${high}`);
  }
});

test('write-behind: the caller waits once the queue is full, so memory stays bounded', async () => {
  let inflight = 0;
  let most = 0;
  let queuedMost = 0;
  const release: Array<() => void> = [];
  // A file handle whose writev completes only when the test says so.
  const fh = { writev: (bufs: Buffer[]) => { inflight++; most = Math.max(most, inflight); queuedMost = Math.max(queuedMost, bufs.reduce((n, b) => n + b.length, 0)); return new Promise((done) => release.push(() => { inflight--; done({ bytesWritten: bufs.reduce((n, b) => n + b.length, 0), buffers: bufs }); })); } } as unknown as FileHandle;
  const sink = new WriteBehind(fh, 100);
  await sink.write(Buffer.alloc(60)); // starts a batch of 60
  await sink.write(Buffer.alloc(60)); // queued: 60 < 100, no wait
  let waited = true;
  const third = sink.write(Buffer.alloc(60)).then(() => { waited = false; }); // queued 120 ≥ 100: waits
  await new Promise((r) => setImmediate(r));
  assert.equal(waited, true, 'a full queue makes write wait');
  release.shift()!();
  await third;
  assert.equal(most, 1, 'one batch at a time');
  while (release.length) { release.shift()!(); await new Promise((r) => setImmediate(r)); }
  await sink.flush();
  assert.ok(queuedMost <= 120, `largest batch ${queuedMost} bytes`);
});

test('write-behind: a short write continues where it stopped; a failed write is thrown and stops further writes', async () => {
  const got: Buffer[] = [];
  const short = { writev: async (bufs: Buffer[]) => { const all = Buffer.concat(bufs); const n = Math.max(1, Math.floor(all.length / 2)); got.push(all.subarray(0, n)); return { bytesWritten: n, buffers: bufs }; } } as unknown as FileHandle;
  const a = new WriteBehind(short, 8);
  await a.write(Buffer.from('hello '));
  await a.write(Buffer.from('world'));
  await a.flush();
  assert.equal(Buffer.concat(got).toString(), 'hello world');

  let calls = 0;
  const failing = { writev: async () => { calls++; throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } } as unknown as FileHandle;
  const b = new WriteBehind(failing, 4);
  await b.write(Buffer.from('abcdef')).catch(() => undefined);
  await assert.rejects(b.flush(), /ENOSPC/);
  await assert.rejects(b.write(Buffer.from('more')), /ENOSPC/);
  assert.equal(calls, 1, 'nothing is written after the first failure');
});
