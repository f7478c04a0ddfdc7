/**
 * @module The backup's write worker thread (issue 20): it hashes the container's bytes with
 * SHA-512 in order, as the seal worker's ciphertext reaches it (relayed by the main thread,
 * memory transferred, not copied), and writes them into the temp file with positional writes,
 * several in flight; it keeps a copy of the running digest at every `segmentBytes` of the file
 * (the version-4 checkpoints, backup-format.ts). After the payload it hands the checkpoints to the
 * main thread to sign, writes them and the signature, fsyncs and closes the file, and reports
 * the file's size and SHA-512 (the sidecar's).
 *
 * Why a thread of its own: SHA-512 (≈ 500 MiB/s per core here) is the largest CPU cost of a
 * backup and AES-256-GCM + zstd the next; in separate threads they run on both cores at once,
 * and the main thread stays free to read the install into the slots (backup-sealer.ts).
 *
 * Started from this function's source text like the seal worker (seal-worker.ts): it must use
 * only its `workerData`, messages and builtins.
 */
import type { MessagePort } from 'node:worker_threads';

/** What the worker is started with: the temp file, created empty (0600) by the main thread (a descriptor does not cross threads under Deno), and the header. */
export interface WriteWorkerData { path: string; header: Uint8Array; maxWrites: number; flushBytes: number; segmentBytes: number }

/** Main → worker: bytes to append (`seq` comes back in 'written'), the end of the content (the checkpoints are due), the rest of the file, or give up. */
export type WriteRequest =
  | { op: 'bytes'; seq: number; pieces: Uint8Array[] }
  | { op: 'digest' }
  | { op: 'tail'; tail: Uint8Array }
  | { op: 'abort' };
/** Worker → main. */
export type WriteReply =
  | { op: 'written'; seq: number }
  | { op: 'digest'; checkpoints: Uint8Array }
  | { op: 'sealed'; bytes: number; sha512: string }
  | { op: 'error'; message: string; code?: string };

export function writeWorkerMain(): void {
  const wt = process.getBuiltinModule('node:worker_threads');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { closeSync, constants: fsc, fdatasync, fsyncSync, openSync, writev } = process.getBuiltinModule('node:fs');
  const port = wt.parentPort as MessagePort;
  const w = wt.workerData as WriteWorkerData;
  const hash = createHash('sha512');
  // The running digest at every segment boundary of the content (backup-format.ts, version 4).
  const checkpoints: Buffer[] = [];
  let hashed = 0;
  let contentDone = false;
  const hashPiece = (b: Uint8Array): void => {
    for (let o = 0; o < b.length;) {
      const room = w.segmentBytes - (hashed % w.segmentBytes);
      const n = Math.min(room, b.length - o);
      hash.update(o === 0 && n === b.length ? b : b.subarray(o, o + n));
      o += n;
      hashed += n;
      if (n === room && !contentDone) checkpoints.push(hash.copy().digest());
    }
  };
  // Each piece is freed (detached) once written: left to the collector, 60–80 MB of 1 MiB
  // buffers piled up between two collections (issue 20, RSS goal).
  const release = (b: Uint8Array): void => {
    if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && !b.buffer.detached && b.buffer.byteLength === b.length) b.buffer.transfer(0);
  };
  const queue: WriteRequest[] = [];
  let pos = 0;
  let writing = 0;
  /** File offset up to which an early fdatasync was started (see `flushEarly`). */
  let flushedTo = 0;
  let flushing = false;
  let failed = false;
  let sealed: WriteReply | undefined;
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
    port.postMessage({ op: 'error', message: err.message, ...(err.code ? { code: err.code } : {}) } satisfies WriteReply);
  };
  // Start the disk's writeback while the rest is still being hashed: the page cache would
  // otherwise hold the whole file until the final fsync (the dirty limits are GBs), which then
  // wrote all of it at the end, serially after the hash. One fdatasync at a time, on libuv's pool.
  const flushEarly = (): void => {
    if (flushing || failed || pos - flushedTo < w.flushBytes) return;
    flushing = true;
    flushedTo = pos;
    writing++;
    fdatasync(fd, (err) => {
      flushing = false;
      writing--;
      if (failed) return;
      if (err) { fail(err); return; }
      settle();
      pump();
    });
  };
  const settle = (): void => {
    if (writing !== 0 || !sealed || failed) return;
    try { fsyncSync(fd); closeSync(fd); fd = -1; } catch (err) { fail(err as NodeJS.ErrnoException); return; }
    port.postMessage(sealed);
    sealed = undefined;
    port.off('message', onMessage);
  };
  /** Write all of `bufs` at `at` with one writev (a chunk's ciphertext is one to three pieces); `done` runs once they are on their way to the disk. */
  const writeAll = (bufs: Uint8Array[], at: number, done: () => void): void => {
    writev(fd, bufs, at, (err, n) => {
      if (failed) return;
      if (err) { fail(err); return; }
      const rest: Uint8Array[] = [];
      let skip = n;
      for (const b of bufs) {
        if (skip >= b.length) { skip -= b.length; release(b); } else { rest.push(skip > 0 ? b.subarray(skip) : b); skip = 0; }
      }
      if (rest.length > 0) { writeAll(rest, at + n, done); return; }
      writing--;
      done();
      flushEarly();
      settle();
      pump();
    });
  };
  const out = (bufs: Uint8Array[], done: () => void = () => undefined): void => {
    let n = 0;
    for (const b of bufs) { hashPiece(b); n += b.length; }
    writing++;
    writeAll(bufs, pos, done);
    pos += n;
  };
  const handle = (m: WriteRequest): void => {
    if (m.op === 'bytes') {
      const written = (): void => port.postMessage({ op: 'written', seq: m.seq } satisfies WriteReply);
      if (m.pieces.length === 0) written(); else out(m.pieces, written);
    } else if (m.op === 'digest') {
      if (hashed % w.segmentBytes !== 0) checkpoints.push(hash.copy().digest());
      contentDone = true;
      port.postMessage({ op: 'digest', checkpoints: Buffer.concat(checkpoints) } satisfies WriteReply);
    }
    else if (m.op === 'tail') { out([m.tail]); sealed = { op: 'sealed', bytes: pos, sha512: hash.digest('hex') }; settle(); }
  };
  const pump = (): void => {
    while (!failed && writing < w.maxWrites && queue.length > 0) {
      try { handle(queue.shift()!); } catch (err) { fail(err as NodeJS.ErrnoException); }
    }
  };
  const onMessage = (m: WriteRequest): void => {
    if (m.op === 'abort') { failed = true; closeFile(); port.off('message', onMessage); return; }
    queue.push(m);
    pump();
  };
  port.on('message', onMessage);
  try { fd = openSync(w.path, fsc.O_WRONLY | fsc.O_NOFOLLOW); out([w.header]); } catch (err) { fail(err as NodeJS.ErrnoException); }
}
