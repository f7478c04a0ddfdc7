/**
 * @module Render a phone's screen (header, line key, soft keys) into an RGB canvas and encode it as
 * PNG (RFC 2083, node:zlib) or as a 24-bit BMP, the formats real phones return from /CGI/Screenshot.
 */
import { deflateSync } from 'node:zlib';
import { glyph } from './font5x7.ts';
import { pngChunk } from '../../lib/png-chunk.ts';

export class Canvas {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.rgb = new Uint8Array(width * height * 3);
  }

  fill(x0: number, y0: number, w: number, h: number, color: [number, number, number]): void {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) {
        const i = (y * this.width + x) * 3;
        this.rgb[i] = color[0]; this.rgb[i + 1] = color[1]; this.rgb[i + 2] = color[2];
      }
    }
  }

  /** Draw text with the 5×7 font scaled by `scale`. */
  text(x: number, y: number, s: string, opts: { scale: number; color: [number, number, number] }): void {
    let cx = x;
    for (const ch of s) {
      const rows = glyph(ch);
      rows.forEach((bits, ry) => {
        for (let rx = 0; rx < 5; rx++) if (bits & (16 >> rx)) this.fill(cx + rx * opts.scale, y + ry * opts.scale, opts.scale, opts.scale, opts.color);
      });
      cx += 6 * opts.scale;
    }
  }
}

export function encodePng(c: Canvas): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(c.width, 0);
  ihdr.writeUInt32BE(c.height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((c.width * 3 + 1) * c.height);
  for (let y = 0; y < c.height; y++) Buffer.from(c.rgb.buffer, y * c.width * 3, c.width * 3).copy(raw, y * (c.width * 3 + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

export function encodeBmp(c: Canvas): Buffer {
  const rowSize = Math.ceil((c.width * 3) / 4) * 4;
  const size = 54 + rowSize * c.height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(c.width, 18);
  b.writeInt32LE(c.height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(rowSize * c.height, 34);
  for (let y = 0; y < c.height; y++) {
    const row = 54 + (c.height - 1 - y) * rowSize;
    for (let x = 0; x < c.width; x++) {
      const i = (y * c.width + x) * 3;
      b[row + x * 3] = c.rgb[i + 2]!; b[row + x * 3 + 1] = c.rgb[i + 1]!; b[row + x * 3 + 2] = c.rgb[i]!;
    }
  }
  return b;
}

export interface ScreenInfo { width: number; height: number; model: string; name: string; extension: string; label: string; time: string }

/** A plausible idle screen for one phone. */
export function renderScreen(s: ScreenInfo): Canvas {
  const c = new Canvas(s.width, s.height);
  const scale = Math.max(1, Math.floor(s.width / 260));
  const white: [number, number, number] = [240, 240, 240];
  c.fill(0, 0, s.width, s.height, [18, 24, 38]);
  c.fill(0, 0, s.width, 12 * scale, [40, 60, 96]);
  c.text(4 * scale, 3 * scale, `${s.extension}`, { scale, color: white });
  c.text(s.width - 6 * scale * s.time.length - 4 * scale, 3 * scale, s.time, { scale, color: white });
  c.fill(4 * scale, 20 * scale, 6 * scale, 8 * scale, [60, 200, 90]);
  c.text(14 * scale, 21 * scale, s.label.slice(0, 38), { scale, color: white });
  c.text(4 * scale, Math.floor(s.height / 2), s.model, { scale, color: [160, 190, 230] });
  c.text(4 * scale, Math.floor(s.height / 2) + 10 * scale, s.name, { scale, color: [160, 190, 230] });
  const softY = s.height - 12 * scale;
  c.fill(0, softY, s.width, 12 * scale, [40, 60, 96]);
  ['REDIAL', 'NEW CALL', 'FWD ALL', 'MORE'].forEach((k, i) => c.text(4 * scale + i * Math.floor(s.width / 4), softY + 3 * scale, k, { scale, color: white }));
  return c;
}
