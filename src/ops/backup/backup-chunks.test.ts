/**
 * Issue 20: the chunked payload of version-3 backups is read back exactly by the payload worker
 * (ops/restore/open-worker.ts), and reading it is bounded. (The writing side is the seal worker,
 * tested through whole backups in backup-sealer.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { zstdCompressSync } from 'node:zlib';
import { CHUNK_BYTES } from './backup-chunks.ts';
import { PayloadError, payloadTar } from '../restore/payload-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'chunks-'));
let n = 0;
/** The tar bytes the payload worker reads from a file holding `payload`. */
const unpack = (payload: Buffer): Promise<Buffer> => {
  const file = join(dir, `p${n++}`);
  writeFileSync(file, payload);
  return buffer(payloadTar({ file, start: 0, end: payload.length }));
};
const cut = (b: Buffer, size: number): Buffer[] => { const out: Buffer[] = []; for (let o = 0; o < b.length; o += size) out.push(b.subarray(o, o + size)); return out; };
const frame = (kind: number, body: Buffer): Buffer => { const h = Buffer.alloc(5); h[0] = kind; h.writeUInt32BE(body.length, 1); return Buffer.concat([h, body]); };
/** Frames as the seal worker writes them: chunks of CHUNK_BYTES, zstd when that is smaller. */
const pack = (data: Buffer, size = CHUNK_BYTES): Buffer => Buffer.concat(cut(data, size).map((c) => { const z = zstdCompressSync(c); return z.length < c.length ? frame(1, z) : frame(0, c); }));

test('chunks: random and text data, in chunks of any size, come back exactly', async () => {
  const data = Buffer.concat([randomBytes(CHUNK_BYTES + 17), Buffer.alloc(3 * CHUNK_BYTES, 'line of a report\n'), randomBytes(999), Buffer.alloc(5, 'x')]);
  const packed = pack(data);
  assert.ok(packed.length < data.length * 0.4, `text compressed, noise stored (${packed.length} of ${data.length})`);
  assert.deepEqual(await unpack(packed), data);
  for (const size of [70_001, 4099, 512]) assert.deepEqual(await unpack(pack(data.subarray(0, 300_000), size)), data.subarray(0, 300_000), `chunks of ${size}`);
  assert.deepEqual(await unpack(Buffer.alloc(0)), Buffer.alloc(0));
  const many = randomBytes(20 * CHUNK_BYTES);
  assert.deepEqual(await unpack(pack(many)), many, 'more chunks than the worker may hand over at once');
});

test('chunks: a decompression bomb, an unknown kind, an oversized or truncated frame are refused', async () => {
  const refused = (e: unknown): boolean => e instanceof PayloadError && e.kind === 'format';
  await assert.rejects(unpack(frame(1, zstdCompressSync(Buffer.alloc(CHUNK_BYTES + 1)))), refused, 'expands beyond a chunk');
  await assert.rejects(unpack(frame(7, Buffer.from('x'))), refused, 'unknown kind');
  const huge = Buffer.alloc(5); huge[0] = 0; huge.writeUInt32BE(0xffffffff, 1);
  await assert.rejects(unpack(huge), refused, 'length beyond a chunk (nothing is allocated for it)');
  await assert.rejects(unpack(Buffer.alloc(5)), refused, 'empty frame');
  const good = pack(Buffer.alloc(CHUNK_BYTES * 2, 'abc'));
  await assert.rejects(unpack(good.subarray(0, good.length - 1)), refused, 'truncated');
  await assert.rejects(unpack(good.subarray(0, 3)), refused, 'truncated head');
  await assert.rejects(unpack(frame(1, Buffer.from('not zstd at all'))), refused, 'not zstd');
});
