/**
 * @module The client's logo for PDF title pages (`clients/<name>/custom/logo.png`, optional).
 * Only a PNG or JPEG whose header parses, at most 2 MB and 4096 px a side, is used; anything else
 * is skipped with the reason, so the PDF is still produced.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export const MAX_LOGO_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 4096;

export type Logo = { ok: true; data: Buffer; format: 'png' | 'jpeg'; width: number; height: number } | { ok: false; reason: string; present: boolean };

function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) return undefined;
    const marker = b[o + 1]!;
    const len = b.readUInt16BE(o + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { height: b.readUInt16BE(o + 5), width: b.readUInt16BE(o + 7) };
    o += 2 + len;
  }
  return undefined;
}

/** Check logo bytes (pure, for tests). */
export function checkLogo(b: Buffer): Logo {
  if (b.length > MAX_LOGO_BYTES) return { ok: false, present: true, reason: `logo is ${b.length} bytes; the limit is ${MAX_LOGO_BYTES}` };
  let size: { width: number; height: number } | undefined;
  let format: 'png' | 'jpeg';
  if (b.length > 33 && b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])) && b.toString('latin1', 12, 16) === 'IHDR') {
    format = 'png';
    size = { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
    // pdfkit's PNG decoder: bit depth 8 (16 is reduced), no interlace.
    if (b[28] !== 0) return { ok: false, present: true, reason: 'interlaced PNG logos are not supported; save it without interlacing' };
  } else if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    format = 'jpeg';
    size = jpegSize(b);
  } else {
    return { ok: false, present: true, reason: 'logo is neither a PNG nor a JPEG file' };
  }
  if (!size || size.width < 1 || size.height < 1) return { ok: false, present: true, reason: `logo ${format.toUpperCase()} header does not parse` };
  if (size.width > MAX_SIDE || size.height > MAX_SIDE) return { ok: false, present: true, reason: `logo is ${size.width}x${size.height} px; the limit is ${MAX_SIDE} px a side` };
  return { ok: true, data: b, format, ...size };
}

/** Read and check a logo file; absent is not an error. Symlinks are not followed. */
export async function loadLogo(path: string): Promise<Logo> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { ok: false, present: false, reason: 'no logo' } : { ok: false, present: true, reason: `logo cannot be read (${code ?? 'error'})` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, present: true, reason: 'logo is not a regular file' };
    if (st.size > MAX_LOGO_BYTES) return { ok: false, present: true, reason: `logo is ${st.size} bytes; the limit is ${MAX_LOGO_BYTES}` };
    return checkLogo(await fh.readFile());
  } finally {
    await fh.close();
  }
}
