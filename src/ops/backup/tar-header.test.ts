/** The tar headers the backup writes are read back by tar-stream (the restore's parser) exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { TAR_BLOCK, TAR_END_BYTES, tarHeader, tarPadding, type TarEntry } from './tar-header.ts';

/** The header tar-stream decodes from `bytes` (header blocks, then as much data as they announce). */
function decode(bytes: Buffer): Promise<Header> {
  return new Promise((resolve, reject) => {
    const x = tarStream.extract();
    x.on('entry', (h: Header, stream, next) => { resolve(h); stream.resume(); next(); });
    x.on('error', reject);
    x.end(bytes);
  });
}

const mtime = new Date('2026-05-08T00:12:07Z');
const entry = (name: string, over: Partial<TarEntry> = {}): TarEntry => ({ name, type: 'file', size: 3, mode: 0o640, mtime, ...over });
const withBody = (e: TarEntry): Buffer => Buffer.concat([tarHeader(e), Buffer.alloc(e.type === 'file' ? e.size + tarPadding(e.size) : 0, 'a'), Buffer.alloc(TAR_END_BYTES)]);

test('tar headers: short, long (prefix), very long and non-ASCII names, folders, modes and times round-trip', async () => {
  const names = [
    'clients/alice/reports/r1.md',
    `clients/${'a'.repeat(90)}/${'b'.repeat(95)}.md`,
    `clients/${'c/'.repeat(150)}deep.md`,
    'clients/zoë/rapport été.md',
    `x${'y'.repeat(120)}`,
  ];
  for (const name of names) {
    const h = await decode(withBody(entry(name)));
    assert.equal(h.name, name);
    assert.equal(h.type, 'file');
    assert.equal(h.size, 3);
    assert.equal(h.mode, 0o640);
    assert.equal(h.mtime?.getTime(), mtime.getTime());
  }
  const d = await decode(withBody(entry('clients/alice', { type: 'directory', mode: 0o700, size: 0 })));
  assert.deepEqual([d.name, d.type, d.mode], ['clients/alice/', 'directory', 0o700]);
  assert.equal(tarHeader(entry('a')).length, TAR_BLOCK, 'a plain entry is one block');
});

test('tar headers: a size beyond the 11 octal digits of ustar is written in base-256', async () => {
  const size = 2 ** 34 + 5;
  const x = tarStream.extract();
  const h = await new Promise<Header>((resolve) => { x.on('entry', (hd: Header) => resolve(hd)); x.write(tarHeader(entry('big.bin', { size }))); });
  x.destroy();
  assert.equal(h.size, size);
});
