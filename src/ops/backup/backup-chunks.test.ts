/** Issue 20: the chunked payload of version-3 backups round-trips, and reading it is bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { zstdCompressSync } from 'node:zlib';
import { CHUNK_BYTES, ChunkFormatError, createChunkCompressor, createChunkExpander } from './backup-chunks.ts';

const pack = (pieces: Buffer[]): Promise<Buffer> => buffer(Readable.from(pieces).pipe(createChunkCompressor()));
const unpack = (pieces: Buffer[]): Promise<Buffer> => buffer(Readable.from(pieces).pipe(createChunkExpander()));
const cut = (b: Buffer, n: number): Buffer[] => { const out: Buffer[] = []; for (let o = 0; o < b.length; o += n) out.push(b.subarray(o, o + n)); return out; };
const frame = (kind: number, body: Buffer): Buffer => { const h = Buffer.alloc(5); h[0] = kind; h.writeUInt32BE(body.length, 1); return Buffer.concat([h, body]); };

test('chunks: random and text data, written and read in pieces of any size, come back exactly', async () => {
  const data = Buffer.concat([randomBytes(CHUNK_BYTES + 17), Buffer.alloc(3 * CHUNK_BYTES, 'line of a report\n'), randomBytes(999), Buffer.alloc(5, 'x')]);
  for (const size of [1 << 20, 70_001, 512]) {
    const packed = await pack(cut(data, size));
    assert.ok(packed.length < data.length * 0.4, `text compressed, noise stored (${packed.length} of ${data.length})`);
    for (const rsize of [packed.length, 4099, 5]) assert.deepEqual(await unpack(cut(packed, rsize)), data, `write ${size}, read ${rsize}`);
  }
  assert.deepEqual(await unpack([await pack([])]), Buffer.alloc(0));
});

test('chunks: a decompression bomb, an unknown kind, an oversized or truncated frame are refused', async () => {
  const refused = (e: unknown): boolean => e instanceof ChunkFormatError;
  await assert.rejects(unpack([frame(1, zstdCompressSync(Buffer.alloc(CHUNK_BYTES + 1)))]), refused, 'expands beyond a chunk');
  await assert.rejects(unpack([frame(7, Buffer.from('x'))]), refused, 'unknown kind');
  const huge = Buffer.alloc(5); huge[0] = 0; huge.writeUInt32BE(0xffffffff, 1);
  await assert.rejects(unpack([huge]), refused, 'length beyond a chunk (nothing is allocated for it)');
  const empty = Buffer.alloc(5);
  await assert.rejects(unpack([empty]), refused, 'empty frame');
  const good = await pack([Buffer.alloc(CHUNK_BYTES * 2, 'abc')]);
  await assert.rejects(unpack([good.subarray(0, good.length - 1)]), refused, 'truncated');
  await assert.rejects(unpack([good.subarray(0, 3)]), refused, 'truncated head');
  await assert.rejects(unpack([frame(1, Buffer.from('not zstd at all'))]), refused, 'not zstd');
});
