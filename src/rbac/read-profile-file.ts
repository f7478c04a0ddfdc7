/**
 * @module Read one profile file safely: never through a symbolic link (O_NOFOLLOW, so a file
 * swapped for a link to somewhere outside profiles/ is refused), regular files only, size-capped,
 * and only when owned by the service user or root and not writable by group/others
 * (lib/trusted-file.ts, issue #12 item 6).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { untrustedReason } from '../lib/trusted-file.ts';

export const MAX_PROFILE_BYTES = 256 * 1024;

export type ReadResult = { ok: true; text: string; signature: string } | { ok: false; reason: string; signature: string };

/** Read `path` as UTF-8; the signature changes whenever the file is replaced or edited. */
export function readProfileFile(path: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, reason: 'it is a symbolic link; profiles must be regular files inside profiles/', signature: 'link' };
    if (code === 'ENOENT') return { ok: false, reason: 'the file is gone', signature: 'gone' };
    return { ok: false, reason: `cannot open it (${code ?? 'error'})`, signature: `err:${code}` };
  }
  try {
    const st = fstatSync(fd);
    const signature = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.uid}:${st.mode}`;
    if (!st.isFile()) return { ok: false, reason: 'it is not a regular file', signature };
    const untrusted = untrustedReason(st, path);
    if (untrusted) return { ok: false, reason: `not trusted: ${untrusted}`, signature: `${signature}:${st.uid}:${st.mode}` };
    if (st.size > MAX_PROFILE_BYTES) return { ok: false, reason: `it is larger than ${MAX_PROFILE_BYTES} bytes`, signature };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return { ok: true, text: buf.subarray(0, off).toString('utf8'), signature };
  } finally {
    closeSync(fd);
  }
}
