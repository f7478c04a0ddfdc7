import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { bmpToPng } from './bmp-to-png.ts';
import { AppError } from '../../lib/errors.ts';

function bmp24(w: number, h: number, px: (x: number, y: number) => [number, number, number]): Buffer {
  const row = Math.ceil((w * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * h);
  b.write('BM', 0, 'latin1'); b.writeUInt32LE(b.length, 2); b.writeUInt32LE(54, 10); b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18); b.writeInt32LE(h, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(24, 28);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [r, g, bl] = px(x, y);
    const p = 54 + (h - 1 - y) * row + x * 3;
    b[p] = bl; b[p + 1] = g; b[p + 2] = r;
  }
  return b;
}

test('bmpToPng() keeps every pixel of a bottom-up 24-bit BMP and yields a PNG that file(1) recognises', () => {
  const png = bmpToPng(bmp24(5, 3, (x, y) => [x * 50, y * 100, 7]));
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const idat = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  assert.deepEqual([...raw.subarray(16 + 1 + 3 * 2, 16 + 1 + 3 * 2 + 3)], [100, 100, 7], 'pixel (2,1)');
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-png-'));
  writeFileSync(join(dir, 'a.png'), png);
  assert.match(execFileSync('file', [join(dir, 'a.png')]).toString(), /PNG image data, 5 x 3, 8-bit\/color RGB/);
});

test('bmpToPng() refuses what it cannot read', () => {
  assert.throws(() => bmpToPng(Buffer.from('not a bitmap at all, not even close to a header.......')), AppError);
  const b = bmp24(2, 2, () => [0, 0, 0]); b.writeUInt16LE(16, 28);
  assert.throws(() => bmpToPng(b), /16 bits per pixel/);
  const big = bmp24(2, 2, () => [0, 0, 0]); big.writeInt32LE(100_000, 18); big.writeInt32LE(100_000, 22);
  assert.throws(() => bmpToPng(big), /size/);
});
