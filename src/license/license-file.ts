/**
 * @module Reading a licence file robustly. Rule: a licence is one compact JWS of printable ASCII;
 * whitespace anywhere (trailing newline, CRLF, a mail client's line wrapping) and a UTF-8 BOM are
 * removed, which cannot change what the signature covers. Anything else is refused with one line
 * that says what is wrong: missing, empty, larger than MAX_LICENSE_BYTES (read no further),
 * binary, or not three base64url parts (truncated or not a licence).
 */
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

/** A licence is about 1 KiB with a 4096-bit key; 16 KiB leaves room and refuses wrong files early. */
export const MAX_LICENSE_BYTES = 16 * 1024;

export class LicenseFileError extends Error {
  readonly kind: 'missing' | 'unreadable' | 'empty' | 'too_large' | 'binary' | 'malformed';
  constructor(kind: LicenseFileError['kind'], message: string) {
    super(message);
    this.name = 'LicenseFileError';
    this.kind = kind;
  }
}

export interface LicenseFile { token: string; mode: number }

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Normalise and check licence text; throws LicenseFileError. */
export function parseLicenseText(bytes: Uint8Array, name: string): string {
  let b = Buffer.from(bytes);
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const kept: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x21 || c > 0x7e) {
      throw new LicenseFileError('binary', `${name} is not a licence: it contains binary data (byte 0x${c.toString(16).padStart(2, '0')} at offset ${i}); a licence file is one line of text`);
    }
    kept.push(c);
  }
  if (kept.length === 0) throw new LicenseFileError('empty', `${name} is empty; install the licence file you received with "aibridge license install FILE"`);
  const token = Buffer.from(kept).toString('latin1');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw new LicenseFileError('malformed', `${name} is not a licence or is truncated: expected three base64url parts separated by dots, found ${parts.length} part${parts.length === 1 ? '' : 's'}${parts.length === 3 ? ' with invalid characters' : ''}`);
  }
  return token;
}

/**
 * Read a licence file; throws LicenseFileError. `noFollow` refuses a symlink as the last component
 * (for the installed secrets/license.jwt; a file given to `license install` may be a link).
 */
export function readLicenseFile(path: string, opts: { name?: string; noFollow?: boolean } = {}): LicenseFile {
  const name = opts.name ?? path;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LicenseFileError('missing', `no licence: ${name} does not exist`);
    if (code === 'ELOOP') throw new LicenseFileError('unreadable', `${name} is a symbolic link; install the licence with "aibridge license install FILE"`);
    throw new LicenseFileError('unreadable', `${name} cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new LicenseFileError('unreadable', `${name} is not a regular file`);
    if (st.size > MAX_LICENSE_BYTES) {
      throw new LicenseFileError('too_large', `${name} is not a licence: it is ${formatSize(st.size)}, a licence is at most ${formatSize(MAX_LICENSE_BYTES)}`);
    }
    const buf = Buffer.alloc(MAX_LICENSE_BYTES + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_LICENSE_BYTES) throw new LicenseFileError('too_large', `${name} is not a licence: it is larger than ${formatSize(MAX_LICENSE_BYTES)}`);
    }
    return { token: parseLicenseText(buf.subarray(0, n), name), mode: st.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}
