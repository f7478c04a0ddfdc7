/**
 * @module The tar framing of a backup's payload (POSIX ustar, as tar-stream and GNU tar read it):
 * one 512-byte header per entry, the file's bytes padded to 512, two zero blocks at the end.
 * Written here rather than by tar-stream's pack so that file bytes can be read straight into the
 * sealer's chunk slots (backup-sealer.ts) without passing through streams and copies (issue 20).
 * A name that does not fit the 100 + 155 bytes of ustar, or is not printable ASCII, goes into a
 * pax extended header ("path=…"), as tar-stream does; a size of 8 GiB or more is written in
 * base-256 (GNU), which tar-stream reads.
 */

export const TAR_BLOCK = 512;
/** The end of an archive: two zero blocks. */
export const TAR_END_BYTES = 2 * TAR_BLOCK;

export interface TarEntry { name: string; type: 'file' | 'directory'; size: number; mode: number; mtime: Date }

const MAX_OCTAL_SIZE = 0o77777777777;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function octal(buf: Buffer, value: number, offset: number, digits: number): void {
  buf.write(`${value.toString(8).padStart(digits, '0')} `, offset, 'ascii');
}

/** ustar's name/prefix split: prefix ≤ 155 bytes, name ≤ 100, cut at a '/'; undefined if impossible. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (!PRINTABLE_ASCII.test(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i !== -1 && i <= 155; i = name.indexOf('/', i + 1)) {
    if (name.length - i - 1 <= 100 && name.length - i - 1 > 0) return { prefix: name.slice(0, i), name: name.slice(i + 1) };
  }
  return undefined;
}

function block(e: { name: string; prefix: string; typeflag: string; size: number; mode: number; mtime: Date }): Buffer {
  const b = Buffer.alloc(TAR_BLOCK);
  b.write(e.name, 0, 100, 'utf8');
  octal(b, e.mode & 0o7777, 100, 6);
  octal(b, 0, 108, 6); // uid: restore never applies owners
  octal(b, 0, 116, 6); // gid
  if (e.size > MAX_OCTAL_SIZE) {
    b[124] = 0x80;
    let n = e.size;
    for (let i = 135; i > 124; i--) { b[i] = n % 256; n = Math.floor(n / 256); }
  } else octal(b, e.size, 124, 11);
  octal(b, Math.floor(e.mtime.getTime() / 1000), 136, 11);
  b.write(e.typeflag, 156, 'ascii');
  b.write('ustar\0' + '00', 257, 'ascii');
  octal(b, 0, 329, 6);
  octal(b, 0, 337, 6);
  b.write(e.prefix, 345, 155, 'ascii');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.fill(0, 148, 156);
  octal(b, sum, 148, 6);
  return b;
}

/** A pax record "LEN key=value\n", where LEN counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(body);
  let len = n + String(n).length;
  if (String(len).length !== String(n).length) len = n + String(len).length;
  return `${len}${body}`;
}

/** The header block(s) of one entry; a directory's name gets its trailing '/'. */
export function tarHeader(e: TarEntry): Buffer {
  const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const typeflag = e.type === 'directory' ? '5' : '0';
  const size = e.type === 'directory' ? 0 : e.size;
  const split = splitName(name);
  if (split) return block({ ...split, typeflag, size, mode: e.mode, mtime: e.mtime });
  const pax = Buffer.from(paxRecord('path', name), 'utf8');
  return Buffer.concat([
    block({ name: 'PaxHeader', prefix: '', typeflag: 'x', size: pax.length, mode: e.mode, mtime: e.mtime }),
    pax, Buffer.alloc(tarPadding(pax.length)),
    block({ name: 'PaxHeader', prefix: '', typeflag, size, mode: e.mode, mtime: e.mtime }),
  ]);
}

/** Zero bytes after `size` bytes of data to reach the next block. */
export function tarPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}
