/**
 * @module The restore's payload worker thread (issue 20): it reads the framed chunks of a
 * version-3 payload (backup-chunks.ts) from a file, decrypting them with AES-256-GCM on the way
 * when given a key (restore --verify reads the backup itself; a restore reads the payload it
 * decrypted and authenticated first), decompresses the zstd ones and hands each chunk of tar
 * bytes to the main thread by transferring its memory (no copy). The GCM tag is checked after
 * the last byte; any failure is reported, never a partial success.
 *
 * Reading is bounded whatever the file says: an unknown kind, a frame longer than the largest a
 * chunk can produce, a zstd frame that expands beyond a chunk or a payload that ends inside a
 * frame is an error. Frames are decrypted one by one from a reused read window, so each chunk is
 * exactly one allocation, which the main thread receives; at most `credits` chunks wait there
 * (the main thread adds a credit when it took one; the worker sleeps on Atomics.wait otherwise).
 *
 * Why a thread: decryption and decompression are half of a restore's CPU, and the buffers they
 * allocate cost collections of the process's large heap; here they run beside the tar parser.
 * Started from this function's source text like the seal worker (seal-worker.ts): it must use
 * only its `workerData` and builtins. The decipher is created as keys/aes-gcm.ts does, with the
 * lengths checked on the main thread before the worker starts (payload-reader.ts).
 */
import type { DecipherGCM } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';

export interface OpenWorkerData {
  /** The file to read; the worker opens it itself (a descriptor does not cross threads under Deno). */
  path: string; start: number; end: number;
  /** Absent: the file holds the plaintext payload. Without `tag`, the tag is the 16 bytes after `end`, read from the ring. */
  gcm?: { key: Uint8Array; iv: Uint8Array; aad: Uint8Array; tag?: Uint8Array };
  /**
   * Present: do not read the file; bytes come from these shared slots (segment i of the file in
   * slot i % slots) once the main thread marked them authenticated (control Int32 [segments
   * authenticated, segments this worker is done with, stop]; payload-reader.ts SegmentRing).
   */
  ring?: { shared: SharedArrayBuffer; control: SharedArrayBuffer; slots: number; segmentBytes: number; tagBytes: number };
  /** Int32 [credits, stop]: the main thread adds credits, or sets stop to end the read early. */
  credits: SharedArrayBuffer; chunkBytes: number; maxFrame: number; frameHead: number;
  /** Send file contents ('data' messages): a restore writes them, restore --verify needs only the headers. */
  wantData: boolean;
}

/** An archive entry as the worker read its header; `type` is tar's name for anything but a file or folder. */
export interface TarEntryHead { name: string; type: string; mode: number; size: number }

/** Worker → main, in archive order. `kind` says how the main thread words a failure. */
export type OpenReply =
  | { op: 'entry'; head: TarEntryHead }
  | { op: 'data'; buf: ArrayBuffer; length: number }
  | { op: 'end' }
  | { op: 'error'; kind: 'auth' | 'format' | 'io'; message: string };

export function openWorkerMain(): void {
  const wt = process.getBuiltinModule('node:worker_threads');
  const { createDecipheriv } = process.getBuiltinModule('node:crypto');
  const { closeSync, constants, openSync, readSync } = process.getBuiltinModule('node:fs');
  const { zstdDecompressSync } = process.getBuiltinModule('node:zlib');
  const port = wt.parentPort as MessagePort;
  const w = wt.workerData as OpenWorkerData;
  const credits = new Int32Array(w.credits);
  let decipher: DecipherGCM | undefined;
  if (w.gcm) {
    decipher = createDecipheriv('aes-256-gcm', w.gcm.key, w.gcm.iv, { authTagLength: 16 });
    decipher.setAAD(w.gcm.aad);
    if (w.gcm.tag) decipher.setAuthTag(w.gcm.tag);
    w.gcm.key.fill(0);
  }
  class Failure extends Error {
    kind: 'auth' | 'format' | 'io';
    constructor(kind: 'auth' | 'format' | 'io', message: string) { super(message); this.kind = kind; }
  }
  const win = Buffer.allocUnsafe(Math.max(4 << 20, 2 * w.maxFrame));
  let at = 0;
  let have = 0;
  let pos = w.start;
  const ring = w.ring;
  const ringView = ring ? Buffer.from(ring.shared) : undefined;
  const ctl = ring ? new Int32Array(ring.control) : undefined;
  /** Up to `len` bytes of the file at `p` into `dst` from the ring, waiting until their segment is authenticated; frees the segment once read to its end. */
  const fromRing = (dst: Buffer, off: number, len: number, p: number): number => {
    const seg = ring!.segmentBytes;
    const s = Math.floor(p / seg);
    for (;;) {
      if (Atomics.load(ctl!, 2) !== 0 || Atomics.load(credits, 1) !== 0) throw new Failure('io', 'stopped');
      const ready = Atomics.load(ctl!, 0);
      if (ready > s) break;
      Atomics.wait(ctl!, 0, ready, 1000);
    }
    const inSeg = p - s * seg;
    const n = Math.min(len, seg - inSeg);
    const from = (s % ring!.slots) * seg + inSeg;
    ringView!.copy(dst, off, from, from + n);
    const done = Math.floor((p + n) / seg);
    if (done > Atomics.load(ctl!, 1)) { Atomics.store(ctl!, 1, done); Atomics.notify(ctl!, 1); }
    return n;
  };
  /** At least `n` bytes in the window from `at`, or as many as the file has left. */
  const fill = (n: number): void => {
    if (at + n > win.length) { win.copyWithin(0, at, at + have); at = 0; }
    while (have < n && pos < w.end) {
      let r: number;
      const want = Math.min(win.length - at - have, w.end - pos);
      if (ring) r = fromRing(win, at + have, want, pos);
      else {
        try { r = readSync(fd, win, at + have, want, pos); } catch (err) {
          throw new Failure('io', (err as Error).message);
        }
      }
      if (r === 0) throw new Failure('auth', 'the file ended early');
      have += r;
      pos += r;
    }
  };
  /** A copy of `b` in memory of its own (Buffer.from may use the shared pool, which cannot be transferred). */
  const own = (b: Uint8Array): Buffer => {
    const c = new Uint8Array(b.length);
    c.set(b);
    return Buffer.from(c.buffer, 0, c.length);
  };
  const take = (n: number): Buffer => {
    const b = win.subarray(at, at + n);
    at += n;
    have -= n;
    return decipher ? decipher.update(b) : own(b);
  };
  const post = (m: OpenReply, transfer: ArrayBuffer[] = []): void => {
    while (Atomics.load(credits, 0) <= 0) {
      if (Atomics.load(credits, 1) !== 0) throw new Failure('io', 'stopped');
      Atomics.wait(credits, 0, 0, 1000);
    }
    Atomics.sub(credits, 0, 1);
    port.postMessage(m, transfer);
  };
  const sendData = (piece: Buffer): void => {
    const whole = piece.byteOffset === 0 && piece.buffer instanceof ArrayBuffer && piece.buffer.byteLength === piece.length ? piece : own(piece);
    const buf = whole.buffer as ArrayBuffer;
    post({ op: 'data', buf, length: whole.length }, [buf]);
  };
  const release = (b: Buffer): void => { if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && !b.buffer.detached) b.buffer.transfer(0); };

  // The tar walk (ustar with pax "path" records, as ops/backup/tar-header.ts writes and tar-stream
  // reads): header blocks are checked (checksum, ustar magic) and announced; file bytes are sent
  // on or skipped; anything else than a file or folder is announced with its type, for the main
  // thread to refuse.
  const TYPES: Record<string, string> = { 0: 'file', '\0': 'file', 5: 'directory', 1: 'link', 2: 'symlink', 3: 'character-device', 4: 'block-device', 6: 'fifo', 7: 'contiguous-file', g: 'pax-global-header', L: 'gnu-long-path', K: 'gnu-long-link-path' };
  const MAX_PAX = 1 << 20;
  const hdr = Buffer.alloc(512);
  let hdrFill = 0;
  let left = 0;
  let pad = 0;
  let body: 'file' | 'skip' | 'pax' = 'skip';
  let pax: Buffer[] = [];
  let paxPath: string | undefined;
  const octal = (b: Buffer, off: number, len: number): number => {
    const t = b.toString('ascii', off, off + len).replace(/[\0 ]+$/, '').replace(/^ +/, '');
    if (!/^[0-7]*$/.test(t)) throw new Failure('format', 'a tar header has a non-octal number');
    return t === '' ? 0 : parseInt(t, 8);
  };
  const sizeOf = (b: Buffer): number => {
    if (b[124] !== 0x80) return octal(b, 124, 12);
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + b[i]!;
    if (!Number.isSafeInteger(n)) throw new Failure('format', 'a tar entry is too large');
    return n;
  };
  const str = (b: Buffer, off: number, len: number): string => { const end = b.indexOf(0, off); return b.toString('utf8', off, end === -1 || end > off + len ? off + len : end); };
  const onHeader = (h: Buffer): void => {
    if (h.every((x) => x === 0)) return; // end-of-archive blocks
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== octal(h, 148, 8)) throw new Failure('format', 'a tar header has a wrong checksum');
    if (h.toString('latin1', 257, 263) !== 'ustar\0') throw new Failure('format', 'a tar header is not in ustar format');
    const size = sizeOf(h);
    const flag = String.fromCharCode(h[156]!);
    pad = (512 - (size % 512)) % 512;
    left = size;
    if (flag === 'x') {
      if (size > MAX_PAX) throw new Failure('format', 'a pax header is too large');
      body = 'pax';
      pax = [];
      return;
    }
    const prefix = str(h, 345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    paxPath = undefined;
    const type = TYPES[flag] ?? `type-${h[156]}`;
    post({ op: 'entry', head: { name, type, mode: octal(h, 100, 8), size } });
    body = type === 'file' ? 'file' : 'skip';
  };
  const onPax = (b: Buffer): void => {
    for (let o = 0; o < b.length;) {
      const sp = b.indexOf(0x20, o);
      const len = sp === -1 ? NaN : parseInt(b.toString('ascii', o, sp), 10);
      if (!(len > 0) || o + len > b.length) throw new Failure('format', 'a pax record is damaged');
      const rec = b.toString('utf8', sp + 1, o + len - 1);
      const eq = rec.indexOf('=');
      if (eq > 0 && rec.slice(0, eq) === 'path') paxPath = rec.slice(eq + 1);
      o += len;
    }
  };
  /** Walk one piece of tar bytes; `piece` is released (its memory freed) unless it was sent on whole. */
  const walk = (piece: Buffer): void => {
    let sent = false;
    for (let o = 0; o < piece.length;) {
      if (left > 0) {
        const n = Math.min(left, piece.length - o);
        if (body === 'file' && w.wantData) {
          if (n === piece.length) { sendData(piece); sent = true; } else sendData(own(piece.subarray(o, o + n)));
        } else if (body === 'pax') pax.push(own(piece.subarray(o, o + n)));
        left -= n;
        o += n;
        if (left === 0 && body === 'pax') onPax(Buffer.concat(pax));
      } else if (pad > 0) {
        const n = Math.min(pad, piece.length - o);
        pad -= n;
        o += n;
      } else {
        const n = piece.copy(hdr, hdrFill, o, Math.min(piece.length, o + 512 - hdrFill));
        hdrFill += n;
        o += n;
        if (hdrFill === 512) { hdrFill = 0; onHeader(hdr); }
      }
    }
    if (!sent) release(piece);
  };
  let fd = -1;
  try {
    if (!ring) {
      try { fd = openSync(w.path, constants.O_RDONLY | constants.O_NOFOLLOW); } catch (err) { throw new Failure('io', (err as Error).message); }
    }
    for (;;) {
      if (Atomics.load(credits, 1) !== 0) throw new Failure('io', 'stopped');
      fill(w.frameHead);
      if (have === 0) break;
      if (have < w.frameHead) throw new Failure('format', 'the payload ends inside a chunk');
      const head = take(w.frameHead);
      const kind = head[0]!;
      const len = head.readUInt32BE(1);
      if (kind !== 0 && kind !== 1) throw new Failure('format', `unknown chunk kind ${kind}`);
      if (len === 0 || len > (kind === 0 ? w.chunkBytes : w.maxFrame)) throw new Failure('format', `a chunk of ${len} bytes is out of bounds`);
      fill(len);
      if (have < len) throw new Failure('format', 'the payload ends inside a chunk');
      const frame = take(len);
      if (kind === 0) { walk(frame); continue; }
      let plain: Buffer;
      try { plain = zstdDecompressSync(frame, { maxOutputLength: w.chunkBytes, chunkSize: w.chunkBytes }); } catch (err) {
        throw new Failure('format', `a compressed chunk does not decompress within ${w.chunkBytes} bytes: ${(err as Error).message}`);
      }
      release(frame);
      walk(plain);
    }
    if (decipher) {
      if (!w.gcm!.tag) {
        // The tag follows the ciphertext; from the ring, like it, once authenticated.
        if (!ring) throw new Failure('io', 'no authentication tag');
        const tag = Buffer.alloc(ring.tagBytes);
        for (let o = 0; o < tag.length;) o += fromRing(tag, o, tag.length - o, w.end + o);
        decipher.setAuthTag(tag);
      }
      try { decipher.final(); } catch { throw new Failure('auth', 'the authentication tag does not match'); }
    }
    if (hdrFill > 0 || left > 0 || pad > 0) throw new Failure('format', 'the archive ends inside an entry');
    port.postMessage({ op: 'end' } satisfies OpenReply);
  } catch (err) {
    const f = err instanceof Failure ? err : new Failure('io', (err as Error).message);
    port.postMessage({ op: 'error', kind: f.kind, message: f.message } satisfies OpenReply);
  } finally {
    if (fd !== -1) closeSync(fd);
  }
}
