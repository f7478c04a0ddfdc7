/**
 * @module The backup sealer's worker thread (issue 20): it takes tar chunks from shared memory
 * slots in order, compresses a chunk with zstd when a sample of it compresses, frames it
 * (backup-chunks.ts) and encrypts it with AES-256-GCM, then hands the ciphertext back to the
 * main thread (its ArrayBuffers transferred, not copied) together with the slot, which is free
 * again; the main thread relays it to the write worker, which hashes and writes it
 * (write-worker.ts, backup-sealer.ts).
 *
 * Why a thread, and why not the hash here: SHA-512 (≈ 500 MiB/s per core here) and
 * AES-256-GCM + zstd are the two largest CPU costs of a backup; one thread each lets them run on
 * both cores at once (before, this worker did both and was the critical path: 2.5 s of CPU of a
 * 1 GiB backup). The buffers zlib and the cipher allocate land in this small heap instead of the
 * process's large one.
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
  dek: Uint8Array; iv: Uint8Array; header: Uint8Array; shared: SharedArrayBuffer;
  slotBytes: number; frameHead: number; sampleBytes: number; sampleRatio: number; zstdLevel: number;
}

/** Main → worker: a filled slot, or the end of the payload. */
export type SealRequest = { op: 'chunk'; slot: number; len: number } | { op: 'end' };
/** Worker → main: a slot's ciphertext (the slot is free again), the last ciphertext and the tag, or a failure. */
export type SealReply =
  | { op: 'sealed'; slot: number; pieces: Uint8Array[] }
  | { op: 'final'; pieces: Uint8Array[] }
  | { op: 'error'; message: string };

export function sealWorkerMain(): void {
  const wt = process.getBuiltinModule('node:worker_threads');
  const { createCipheriv } = process.getBuiltinModule('node:crypto');
  const { constants, zstdCompressSync } = process.getBuiltinModule('node:zlib');
  const port = wt.parentPort as MessagePort;
  const w = wt.workerData as SealWorkerData;
  const slots = Buffer.from(w.shared);
  const cipher = createCipheriv('aes-256-gcm', w.dek, w.iv, { authTagLength: 16 });
  cipher.setAAD(w.header);
  w.dek.fill(0);
  const chunkBytes = w.slotBytes - w.frameHead;
  const zstd = { chunkSize: chunkBytes, params: { [constants.ZSTD_c_compressionLevel]: w.zstdLevel, [constants.ZSTD_c_checksumFlag]: 0 } };
  const sampleOpts = { ...zstd, chunkSize: w.sampleBytes * 2 };
  // Buffers zstd returns are freed (detached) once used: left to the collector, 60–80 MB of them
  // piled up between two collections (issue 20, RSS goal). Ciphertext is transferred to the main thread.
  const release = (b: Uint8Array): void => {
    if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && !b.buffer.detached) b.buffer.transfer(0);
  };
  // The cipher returns each piece in an ArrayBuffer of its own: moved to the main thread, not copied.
  const owns = (b: Uint8Array): boolean => b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.buffer.byteLength === b.length;
  const send = (reply: SealReply & { pieces: Uint8Array[] }): void => {
    const pieces = reply.pieces.filter((p) => p.length > 0);
    port.postMessage({ ...reply, pieces }, pieces.filter(owns).map((p) => p.buffer as ArrayBuffer));
  };
  const chunk = (slot: number, len: number): Uint8Array[] => {
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
      const pieces = [cipher.update(head), cipher.update(z)];
      release(z);
      return pieces;
    }
    if (z) release(z);
    slots[base] = 0;
    slots.writeUInt32BE(len, base + 1);
    return [cipher.update(slots.subarray(base, base + w.frameHead + len))];
  };
  port.on('message', (m: SealRequest) => {
    try {
      if (m.op === 'chunk') send({ op: 'sealed', slot: m.slot, pieces: chunk(m.slot, m.len) });
      else send({ op: 'final', pieces: [cipher.final(), cipher.getAuthTag()] });
    } catch (err) {
      port.postMessage({ op: 'error', message: (err as Error).message } satisfies SealReply);
    }
  });
}
