/**
 * Issue 20: the chunked payload of version-3 backups is read back exactly, whatever the read
 * sizes, and reading it is bounded. (The writing side is the seal worker, tested through whole
 * backups in backup-sealer.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { zstdCompressSync } from 'node:zlib';
import { CHUNK_BYTES, ChunkFormatError, createChunkExpander } from './backup-chunks.ts';

const unpack = (pieces: Buffer[]): Promise<Buffer> => buffer(Readable.from(pieces).pipe(createChunkExpander()));
const cut = (b: Buffer, n: number): Buffer[] => { const out: Buffer[] = []; for (let o = 0; o < b.length; o += n) out.push(b.subarray(o, o + n)); return out; };
const frame = (kind: number, body: Buffer): Buffer => { const h = Buffer.alloc(5); h[0] = kind; h.writeUInt32BE(body.length, 1); return Buffer.concat([h, body]); };
/** Frames as the seal worker writes them: chunks of CHUNK_BYTES, zstd when that is smaller. */
const pack = async (pieces: Buffer[]): Promise<Buffer> => {
  const all = Buffer.concat(pieces);
  return Buffer.concat(cut(all, CHUNK_BYTES).map((c) => { const z = zstdCompressSync(c); return z.length < c.length ? frame(1, z) : frame(0, c); }));
};

test('chunks: random and text data, read in pieces of any size, come back exactly', async () => {
  const data = Buffer.concat([randomBytes(CHUNK_BYTES + 17), Buffer.alloc(3 * CHUNK_BYTES, 'line of a report\n'), randomBytes(999), Buffer.alloc(5, 'x')]);
  const packed = await pack([data]);
  assert.ok(packed.length < data.length * 0.4, `text compressed, noise stored (${packed.length} of ${data.length})`);
  for (const rsize of [packed.length, 70_001, 4099, 5]) assert.deepEqual(await unpack(cut(packed, rsize)), data, `read ${rsize}`);
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
