/**
 * @module The backup sealer's worker thread (issue 20): it takes tar chunks from shared memory
 * slots in order, compresses a chunk with zstd when a sample of it compresses, frames it
 * (backup-chunks.ts), encrypts it with AES-256-GCM, hashes the ciphertext with SHA-512 and
 * writes it to the backup's temp file (positional writes, several in flight), then hands the slot
 * back; the ciphertext buffers it writes are its own, so a slot is free once encrypted.
 *
 * Why a thread: SHA-512 of every written byte is the slowest step (~1 GiB/s per core), and each
 * 1 MiB buffer that zlib and the cipher allocate costs a full garbage collection of the
 * process's large heap every few dozen MiB (90 of them, 2 s, in a 1 GiB backup before). Here the
 * allocations land in a small heap, and the process's main thread only reads files into slots.
 *
 * The worker is started from this function's source text (`new Worker(src, { eval: true })`),
 * so that the same code runs from source, in the single-file binary and under Deno: it must not
 * use anything from its module scope, only its `workerData`, messages and builtins.
 * The cipher is created as keys/aes-gcm.ts does (32-byte key, 12-byte IV, 16-byte tag), with
 * the lengths checked on the main thread before the worker starts (backup-sealer.ts).
 */
import type { MessagePort } from 'node:worker_threads';

/** What the worker is started with. `dek` is zeroed by the worker once the cipher holds it. */
export interface SealWorkerData {
  /** The temp file, created empty (0600) by the main thread; the worker opens, fsyncs and closes it (a descriptor does not cross threads under Deno). */
  path: string; dek: Uint8Array; iv: Uint8Array; header: Uint8Array; shared: SharedArrayBuffer;
  slotBytes: number; frameHead: number; sampleBytes: number; sampleRatio: number; zstdLevel: number;
}

/** Main → worker: a filled slot, the end of the payload, the signature tail, or give up (close the file and exit). */
export type SealRequest = { op: 'chunk'; slot: number; len: number } | { op: 'end' } | { op: 'tail'; tail: Uint8Array } | { op: 'abort' };
/** Worker → main. */
export type SealReply =
  | { op: 'free'; slot: number }
  | { op: 'signed'; digest: Uint8Array }
  | { op: 'sealed'; bytes: number; sha512: string }
  | { op: 'error'; message: string; code?: string };

export function sealWorkerMain(): void {
  const wt = process.getBuiltinModule('node:worker_threads');
  const { createCipheriv, createHash } = process.getBuiltinModule('node:crypto');
  const { closeSync, constants: fsc, fsyncSync, openSync, write } = process.getBuiltinModule('node:fs');
  const { constants, zstdCompressSync } = process.getBuiltinModule('node:zlib');
  const port = wt.parentPort as MessagePort;
  const w = wt.workerData as SealWorkerData;
  const slots = Buffer.from(w.shared);
  const cipher = createCipheriv('aes-256-gcm', w.dek, w.iv, { authTagLength: 16 });
  cipher.setAAD(w.header);
  w.dek.fill(0);
  const hash = createHash('sha512');
  const chunkBytes = w.slotBytes - w.frameHead;
  const zstd = { chunkSize: chunkBytes, params: { [constants.ZSTD_c_compressionLevel]: w.zstdLevel, [constants.ZSTD_c_checksumFlag]: 0 } };
  const sampleOpts = { ...zstd, chunkSize: w.sampleBytes * 2 };
  // Each buffer the cipher and zstd return is freed (detached) as soon as it has been used: left to
  // the collector, 60–80 MB of them piled up between two collections (issue 20, RSS goal).
  const release = (b: Uint8Array): void => {
    if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && !b.buffer.detached) b.buffer.transfer(0);
  };
  // Writes are positional and asynchronous (libuv's pool), at most MAX_WRITES at a time, so the
  // disk's latency overlaps the hashing of the next chunk instead of adding to it.
  const MAX_WRITES = 8;
  const queue: SealRequest[] = [];
  let pos = 0;
  let writing = 0;
  let failed = false;
  let sealed: SealReply | undefined;
  let fd = -1;
  const closeFile = (): void => {
    if (fd === -1) return;
    try { closeSync(fd); } catch { /* already failing */ }
    fd = -1;
  };
  const fail = (err: NodeJS.ErrnoException): void => {
    if (failed) return;
    failed = true;
    closeFile();
    port.postMessage({ op: 'error', message: err.message, ...(err.code ? { code: err.code } : {}) } satisfies SealReply);
  };
  const settle = (): void => {
    if (writing !== 0 || !sealed || failed) return;
    try { fsyncSync(fd); closeSync(fd); fd = -1; } catch (err) { fail(err as NodeJS.ErrnoException); return; }
    port.postMessage(sealed);
    sealed = undefined;
    port.off('message', onMessage);
  };
  const writeAll = (b: Uint8Array, at: number, from: number): void => {
    write(fd, b, from, b.length - from, at + from, (err, n) => {
      if (failed) return;
      if (err) { fail(err); return; }
      if (from + n < b.length) { writeAll(b, at, from + n); return; }
      release(b);
      writing--;
      settle();
      pump();
    });
  };
  const out = (b: Uint8Array): void => {
    if (b.length === 0) return;
    hash.update(b);
    writing++;
    writeAll(b, pos, 0);
    pos += b.length;
  };
  const chunk = (slot: number, len: number): void => {
    const base = slot * w.slotBytes;
    const data = slots.subarray(base + w.frameHead, base + w.frameHead + len);
    const sample = data.subarray(0, w.sampleBytes);
    const zs = zstdCompressSync(sample, sampleOpts);
    const z = zs.length <= sample.length * w.sampleRatio ? zstdCompressSync(data, zstd) : undefined;
    release(zs);
    if (z && z.length < len) {
      const head = Buffer.alloc(w.frameHead);
      head[0] = 1;
      head.writeUInt32BE(z.length, 1);
      out(cipher.update(head));
      out(cipher.update(z));
      release(z);
    } else {
      if (z) release(z);
      slots[base] = 0;
      slots.writeUInt32BE(len, base + 1);
      out(cipher.update(slots.subarray(base, base + w.frameHead + len)));
    }
  };
  const handle = (m: SealRequest): void => {
    if (m.op === 'chunk') { chunk(m.slot, m.len); port.postMessage({ op: 'free', slot: m.slot } satisfies SealReply); }
    else if (m.op === 'end') { out(cipher.final()); out(cipher.getAuthTag()); port.postMessage({ op: 'signed', digest: hash.copy().digest() } satisfies SealReply); }
    else if (m.op === 'tail') { out(m.tail); sealed = { op: 'sealed', bytes: pos, sha512: hash.digest('hex') }; settle(); }
  };
  const pump = (): void => {
    while (!failed && writing < MAX_WRITES && queue.length > 0) {
      try { handle(queue.shift()!); } catch (err) { fail(err as NodeJS.ErrnoException); }
    }
  };
  const onMessage = (m: SealRequest): void => {
    if (m.op === 'abort') { failed = true; closeFile(); port.off('message', onMessage); return; }
    queue.push(m);
    pump();
  };
  port.on('message', onMessage);
  try { fd = openSync(w.path, fsc.O_WRONLY | fsc.O_NOFOLLOW); out(w.header); } catch (err) { fail(err as NodeJS.ErrnoException); }
}
