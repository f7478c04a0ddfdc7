import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBehind } from './write-behind.ts';

test('write-behind: every byte lands in order, whatever the buffer and chunk sizes, and the caller may reuse its buffer at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-wb-'));
  for (const [size, sizes] of [[1, [1, 7, 3]], [64, [5, 200, 1, 63]], [4096, [4096, 1, 8191]], [1 << 20, [16384]]] as const) {
    const path = join(dir, `f-${size}`);
    const fh = await open(path, 'w');
    let wait: (() => void) | undefined;
    const sink = new WriteBehind(fh, { bufferBytes: size, buffers: 2, onRoom: () => wait?.() });
    const parts: Buffer[] = [];
    const reused = Buffer.alloc(16384);
    for (let i = 0; i < 300; i++) {
      const n = sizes[i % sizes.length]!;
      reused.fill(i % 251, 0, n);
      parts.push(Buffer.from(reused.subarray(0, n)));
      if (!sink.write(reused.subarray(0, n))) await new Promise<void>((r) => { wait = r; });
      reused.fill(0xff); // what the caller does with its buffer next must not reach the file
    }
    sink.write(Buffer.alloc(0));
    await sink.flush();
    await fh.close();
    assert.ok(readFileSync(path).equals(Buffer.concat(parts)), `buffers of ${size}`);
  }
});

test('write-behind: write says false once the pool is used up, takes what still comes, and onRoom says when to go on', async () => {
  let inflight = 0;
  let most = 0;
  const written: number[] = [];
  const release: Array<() => void> = [];
  // A file handle whose writev completes only when the test says so.
  const fh = { writev: (bufs: Buffer[]) => { inflight++; most = Math.max(most, inflight); const n = bufs.reduce((s, b) => s + b.length, 0); return new Promise((done) => release.push(() => { inflight--; written.push(n); done({ bytesWritten: n, buffers: bufs }); })); } } as unknown as FileHandle;
  let rooms = 0;
  const handed: number[] = [];
  const sink = new WriteBehind(fh, { bufferBytes: 10, buffers: 2, onRoom: () => rooms++, onHandedOver: (b) => handed.push(b) });
  assert.equal(sink.write(Buffer.alloc(10)), true, 'first buffer full and written; the second is still to be made');
  assert.equal(sink.write(Buffer.alloc(10)), false, 'both buffers in use: stop');
  assert.equal(sink.write(Buffer.alloc(5)), false, 'a last read after the pause is still taken');
  release.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.equal(rooms, 1, 'a written buffer makes room');
  assert.equal(sink.write(Buffer.alloc(3)), true);
  const flushed = sink.flush();
  while (inflight > 0 || release.length > 0) { release.shift()?.(); await new Promise((r) => setImmediate(r)); }
  await flushed;
  assert.equal(most, 1, 'one writev at a time');
  assert.equal(written.reduce((s, n) => s + n, 0), 28);
  assert.deepEqual(handed, [10, 20, 28]);
});

test('write-behind: a short write continues where it stopped; a failed write is thrown and stops further writes', async () => {
  const got: Buffer[] = [];
  const short = { writev: async (bufs: Buffer[]) => { const all = Buffer.concat(bufs); const n = Math.max(1, Math.floor(all.length / 2)); got.push(Buffer.from(all.subarray(0, n))); return { bytesWritten: n, buffers: bufs }; } } as unknown as FileHandle;
  const a = new WriteBehind(short, { bufferBytes: 8 });
  a.write(Buffer.from('hello '));
  a.write(Buffer.from('world'));
  await a.flush();
  assert.equal(Buffer.concat(got).toString(), 'hello world');

  let calls = 0;
  let rooms = 0;
  const failing = { writev: async () => { calls++; throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } } as unknown as FileHandle;
  const b = new WriteBehind(failing, { bufferBytes: 4, buffers: 1, onRoom: () => rooms++ });
  assert.equal(b.write(Buffer.from('abcd')), false);
  await assert.rejects(b.flush(), /ENOSPC/);
  assert.equal(rooms, 1, 'a waiting caller is woken to see the error');
  assert.throws(() => b.write(Buffer.from('more')), /ENOSPC/);
  assert.equal(calls, 1, 'nothing is written after the first failure');
});

test('write-behind: after flush, release hands the buffers to the next writer instead of leaving them to the garbage collector', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-wb-'));
  const three = Buffer.alloc(3 * 1024 * 1024, 0x61);
  const fa = await open(join(dir, 'a'), 'w');
  const a = new WriteBehind(fa);
  a.write(three);
  await a.flush();
  a.release();
  const before = process.memoryUsage().arrayBuffers;
  const fb = await open(join(dir, 'b'), 'w');
  const b = new WriteBehind(fb);
  b.write(three);
  const grew = process.memoryUsage().arrayBuffers - before;
  await b.flush();
  b.release();
  await fa.close();
  await fb.close();
  assert.ok(grew < 1024 * 1024, `the second writer allocated ${grew} bytes of buffers`);
  assert.ok(readFileSync(join(dir, 'b')).equals(three));
  assert.ok(a, 'the first writer is still referenced, so only release can have freed its buffers for reuse');
});
