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
import { zstdCompressSync } from 'node:zlib';
import { CHUNK_BYTES } from './backup-chunks.ts';
import { PayloadError, readPayloadEntries } from '../restore/payload-reader.ts';
import { tarHeader, tarPadding, TAR_END_BYTES } from './tar-header.ts';

const dir = mkdtempSync(join(tmpdir(), 'chunks-'));
let n = 0;
/** The tar of one file holding `data`. */
const tarOf = (data: Buffer): Buffer => Buffer.concat([tarHeader({ name: 'd.bin', type: 'file', size: data.length, mode: 0o600, mtime: new Date(0) }), data, Buffer.alloc(tarPadding(data.length) + TAR_END_BYTES)]);
/** The file bytes the payload worker reads from a file holding `payload` (the chunked tar of one file). */
const unpack = async (payload: Buffer): Promise<Buffer> => {
  const file = join(dir, `p${n++}`);
  writeFileSync(file, payload);
  const parts: Buffer[] = [];
  await readPayloadEntries({ file, start: 0, end: payload.length }, { entry: () => undefined, data: (b) => { parts.push(b); } }, true);
  return Buffer.concat(parts);
};
const cut = (b: Buffer, size: number): Buffer[] => { const out: Buffer[] = []; for (let o = 0; o < b.length; o += size) out.push(b.subarray(o, o + size)); return out; };
const frame = (kind: number, body: Buffer): Buffer => { const h = Buffer.alloc(5); h[0] = kind; h.writeUInt32BE(body.length, 1); return Buffer.concat([h, body]); };
/** Frames as the seal worker writes them: chunks of CHUNK_BYTES, zstd when that is smaller. */
const pack = (data: Buffer, size = CHUNK_BYTES): Buffer => Buffer.concat(cut(data, size).map((c) => { const z = zstdCompressSync(c); return z.length < c.length ? frame(1, z) : frame(0, c); }));

test('chunks: random and text data, in chunks of any size, come back exactly', async () => {
  const data = Buffer.concat([randomBytes(CHUNK_BYTES + 17), Buffer.alloc(3 * CHUNK_BYTES, 'line of a report\n'), randomBytes(999), Buffer.alloc(5, 'x')]);
  const packed = pack(tarOf(data));
  assert.ok(packed.length < data.length * 0.4, `text compressed, noise stored (${packed.length} of ${data.length})`);
  assert.deepEqual(await unpack(packed), data);
  for (const size of [70_001, 4099, 512, 100]) assert.deepEqual(await unpack(pack(tarOf(data.subarray(0, 300_000)), size)), data.subarray(0, 300_000), `chunks of ${size}`);
  assert.deepEqual(await unpack(Buffer.alloc(0)), Buffer.alloc(0));
  const many = randomBytes(20 * CHUNK_BYTES);
  assert.deepEqual(await unpack(pack(tarOf(many))), many, 'more chunks than the worker may hand over at once');
});

test('chunks: a decompression bomb, an unknown kind, an oversized or truncated frame are refused', async () => {
  const refused = (e: unknown): boolean => e instanceof PayloadError && e.kind === 'format';
  await assert.rejects(unpack(frame(1, zstdCompressSync(Buffer.alloc(CHUNK_BYTES + 1)))), refused, 'expands beyond a chunk');
  await assert.rejects(unpack(frame(7, Buffer.from('x'))), refused, 'unknown kind');
  const huge = Buffer.alloc(5); huge[0] = 0; huge.writeUInt32BE(0xffffffff, 1);
  await assert.rejects(unpack(huge), refused, 'length beyond a chunk (nothing is allocated for it)');
  await assert.rejects(unpack(Buffer.alloc(5)), refused, 'empty frame');
  const good = pack(tarOf(Buffer.alloc(CHUNK_BYTES * 2, 'abc')));
  await unpack(good);
  await assert.rejects(unpack(good.subarray(0, good.length - 1)), refused, 'truncated');
  await assert.rejects(unpack(good.subarray(0, 3)), refused, 'truncated head');
  await assert.rejects(unpack(frame(1, Buffer.from('not zstd at all'))), refused, 'not zstd');
});

test('tar walk: a damaged header, a non-ustar header, a damaged pax record or an archive cut inside an entry is refused', async () => {
  const refused = (e: unknown): boolean => e instanceof PayloadError && e.kind === 'format';
  const t = tarOf(Buffer.alloc(1000, 'z'));
  const bad = Buffer.from(t); bad[10] = bad[10]! ^ 1;
  await assert.rejects(unpack(pack(bad)), refused, 'checksum');
  const gnu = Buffer.from(t); gnu.write('ustar  ', 257, 'latin1');
  await assert.rejects(unpack(pack(gnu)), refused, 'not ustar');
  await assert.rejects(unpack(pack(t.subarray(0, 512 + 999))), refused, 'cut inside the file');
  await assert.rejects(unpack(pack(t.subarray(0, 300))), refused, 'cut inside a header');
  const long = tarHeader({ name: `${'é'.repeat(80)}/x`, type: 'file', size: 0, mode: 0o600, mtime: new Date(0) });
  const damaged = Buffer.from(long); damaged.write('9999', 512, 'ascii');
  await assert.rejects(unpack(pack(Buffer.concat([damaged, Buffer.alloc(TAR_END_BYTES)]))), refused, 'pax record');
});
