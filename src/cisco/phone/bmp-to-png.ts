/**
 * @module Convert the BMP screenshots older phones send (79xx: BEHAVIOUR.md §5) into PNG, the
 * image type MCP clients display. Handles BITMAPINFOHEADER and later headers, 1/4/8-bit palettes,
 * 24/32-bit pixels, bottom-up or top-down rows; anything else is refused.
 */
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../../lib/png-chunk.ts';
import { AppError } from '../../lib/errors.ts';
import { upstreamError } from '../upstream-error.ts';

const MAX_PIXELS = 4096 * 4096;

function bad(why: string): AppError {
  return upstreamError('malformed_answer', `The phone sent a BMP screenshot aibridge cannot convert: ${why}`, { hint: 'try again; some older models send unusual bitmaps' });
}

export function bmpToPng(bmp: Buffer): Buffer {
  if (bmp.length < 54 || bmp.toString('latin1', 0, 2) !== 'BM') throw bad('not a BMP file');
  const offset = bmp.readUInt32LE(10);
  const headerSize = bmp.readUInt32LE(14);
  const width = bmp.readInt32LE(18);
  const rawHeight = bmp.readInt32LE(22);
  const bits = bmp.readUInt16LE(28);
  const compression = bmp.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  if (headerSize < 40 || width <= 0 || height === 0 || width * height > MAX_PIXELS) throw bad(`size ${width}x${height}`);
  if (compression !== 0 && !(compression === 3 && bits === 32)) throw bad(`compression ${compression}`);
  if (![1, 4, 8, 24, 32].includes(bits)) throw bad(`${bits} bits per pixel`);
  const colours = bits <= 8 ? (bmp.readUInt32LE(46) || 2 ** bits) : 0;
  const paletteAt = 14 + headerSize;
  const rowSize = Math.ceil((width * bits) / 32) * 4;
  if (offset + rowSize * height > bmp.length || paletteAt + colours * 4 > bmp.length) throw bad('truncated data');
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const src = offset + (rawHeight > 0 ? height - 1 - y : y) * rowSize;
    const dst = y * (width * 3 + 1) + 1;
    for (let x = 0; x < width; x++) {
      let b: number; let g: number; let r: number;
      if (bits >= 24) {
        const p = src + x * (bits / 8);
        b = bmp[p]!; g = bmp[p + 1]!; r = bmp[p + 2]!;
      } else {
        const bitPos = x * bits;
        const idx = (bmp[src + (bitPos >> 3)]! >> (8 - bits - (bitPos & 7))) & ((1 << bits) - 1);
        const p = paletteAt + Math.min(idx, colours - 1) * 4;
        b = bmp[p]!; g = bmp[p + 1]!; r = bmp[p + 2]!;
      }
      raw[dst + x * 3] = r; raw[dst + x * 3 + 1] = g; raw[dst + x * 3 + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}
