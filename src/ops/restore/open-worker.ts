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
  fd: number; start: number; end: number;
  /** Absent: the file holds the plaintext payload. */
  gcm?: { key: Uint8Array; iv: Uint8Array; aad: Uint8Array; tag: Uint8Array };
  credits: SharedArrayBuffer; chunkBytes: number; maxFrame: number; frameHead: number;
}

/** Worker → main. `kind` says how the main thread words a failure. */
export type OpenReply =
  | { op: 'chunk'; buf: ArrayBuffer; length: number }
  | { op: 'end' }
  | { op: 'error'; kind: 'auth' | 'format' | 'io'; message: string };

export function openWorkerMain(): void {
  const wt = process.getBuiltinModule('node:worker_threads');
  const { createDecipheriv } = process.getBuiltinModule('node:crypto');
  const { readSync } = process.getBuiltinModule('node:fs');
  const { zstdDecompressSync } = process.getBuiltinModule('node:zlib');
  const port = wt.parentPort as MessagePort;
  const w = wt.workerData as OpenWorkerData;
  const credits = new Int32Array(w.credits);
  let decipher: DecipherGCM | undefined;
  if (w.gcm) {
    decipher = createDecipheriv('aes-256-gcm', w.gcm.key, w.gcm.iv, { authTagLength: 16 });
    decipher.setAAD(w.gcm.aad);
    decipher.setAuthTag(w.gcm.tag);
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
  /** At least `n` bytes in the window from `at`, or as many as the file has left. */
  const fill = (n: number): void => {
    if (at + n > win.length) { win.copyWithin(0, at, at + have); at = 0; }
    while (have < n && pos < w.end) {
      let r: number;
      try { r = readSync(w.fd, win, at + have, Math.min(win.length - at - have, w.end - pos), pos); } catch (err) {
        throw new Failure('io', (err as Error).message);
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
  const send = (piece: Buffer): void => {
    while (Atomics.load(credits, 0) <= 0) Atomics.wait(credits, 0, 0, 1000);
    Atomics.sub(credits, 0, 1);
    const whole = piece.byteOffset === 0 && piece.buffer instanceof ArrayBuffer && piece.buffer.byteLength === piece.length ? piece : own(piece);
    const buf = whole.buffer as ArrayBuffer;
    port.postMessage({ op: 'chunk', buf, length: whole.length } satisfies OpenReply, [buf]);
  };
  try {
    for (;;) {
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
      const body = take(len);
      if (kind === 0) { send(body); continue; }
      let plain: Buffer;
      try { plain = zstdDecompressSync(body, { maxOutputLength: w.chunkBytes, chunkSize: w.chunkBytes }); } catch (err) {
        throw new Failure('format', `a compressed chunk does not decompress within ${w.chunkBytes} bytes: ${(err as Error).message}`);
      }
      if (body.byteOffset === 0 && body.buffer instanceof ArrayBuffer) body.buffer.transfer(0); // freed now, not at the next collection
      send(plain);
    }
    if (decipher) {
      try { decipher.final(); } catch { throw new Failure('auth', 'the authentication tag does not match'); }
    }
    port.postMessage({ op: 'end' } satisfies OpenReply);
  } catch (err) {
    const f = err instanceof Failure ? err : new Failure('io', (err as Error).message);
    port.postMessage({ op: 'error', kind: f.kind, message: f.message } satisfies OpenReply);
  }
}
