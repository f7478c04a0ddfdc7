/**
 * @module The sealing half of the container (backup-format.ts), main-thread side: it draws the
 * data key and IV, wraps the key, encodes the header, and starts two workers: the seal worker
 * (seal-worker.ts) compresses and encrypts, the write worker (write-worker.ts) hashes with
 * SHA-512 and writes. The caller fills chunk slots in shared memory (`slot()`, then `submit()`);
 * this thread relays each chunk's ciphertext from one worker to the other (memory transferred,
 * not copied), so encryption and the hash run on both cores at once while this thread reads
 * (issue 20). `seal()` signs the digest of every byte before the signature (RSA-PSS with the
 * server's private key: backup-format.ts explains why the signature, not GCM, makes a backup
 * authentic) and returns the file's size and SHA-512 for the `.sha512` sidecar: one hash pass,
 * which also gives the version-4 checkpoints the signature covers (the running digest at every
 * SEGMENT_BYTES, backup-format.ts).
 *
 * Memory: SLOTS chunks of shared memory and at most MAX_QUEUED chunks of ciphertext on their way
 * to the disk, whatever the install's size.
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { oaepEncrypt } from '../../keys/rsa-oaep.ts';
import { GCM_IV_BYTES, GCM_KEY_BYTES } from '../../keys/aes-gcm.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { CHUNK_BYTES, FRAME_HEAD, SAMPLE_BYTES, SAMPLE_RATIO, ZSTD_LEVEL } from './backup-chunks.ts';
import { CHECKPOINT_BYTES, COUNT_BYTES, DEK_BYTES, IV_BYTES, SEGMENT_BYTES, SIG_LEN_BYTES, checkpointMessage, encodeHeader } from './backup-format.ts';
import type { BackupMeta } from './backup-format.ts';
import { sealWorkerMain, type SealReply, type SealRequest, type SealWorkerData } from './seal-worker.ts';
import { writeWorkerMain, type WriteReply, type WriteRequest, type WriteWorkerData } from './write-worker.ts';

/** Chunks in flight: one being filled, the others queued for or inside the seal worker. */
const SLOTS = 4;
const SLOT_BYTES = FRAME_HEAD + CHUNK_BYTES;
/** Chunks of ciphertext encrypted but not yet written: the hash (the slower side) bounds the encryption. */
const MAX_QUEUED = 8;
/** Writes in flight in the write worker: the disk's latency overlaps the hashing of the next chunk. */
const MAX_WRITES = 8;
/** Bytes written between two early fdatasyncs of the write worker (write-worker.ts). */
const FLUSH_BYTES = 32 << 20;
const SEAL_SOURCE = `(${sealWorkerMain.toString()})()`;
const WRITE_SOURCE = `(${writeWorkerMain.toString()})()`;

/** What the sealer wrote, known once sealed: size and SHA-512 (hex) of the whole file. */
export interface SealedFile { bytes: number; sha512: string }

/** One slot to fill: `data` is CHUNK_BYTES of shared memory, valid until `submit` of its index. */
export interface ChunkSlot { index: number; data: Buffer }

/** A fresh container header: new data key and IV each time, the key wrapped for the install's key pair. */
export function newContainerHeader(publicKey: KeyObject, meta: BackupMeta): { header: Buffer; dek: Buffer; iv: Buffer } {
  const dek = randomBytes(DEK_BYTES);
  const iv = randomBytes(IV_BYTES);
  return { header: encodeHeader(meta, oaepEncrypt(publicKey, dek), iv), dek, iv };
}

/** A worker that reports its failures and its exit to `onFail`. */
function startWorker<R>(source: string, workerData: unknown, onMessage: (r: R) => void, onFail: (e: Error) => void): { worker: Worker; exited: Promise<void> } {
  const worker = new Worker(source, { eval: true, workerData });
  worker.on('message', onMessage);
  worker.on('error', onFail);
  const exited = new Promise<void>((resolve) => worker.on('exit', (code) => { onFail(new Error(`a backup worker stopped (exit code ${code})`)); resolve(); }));
  return { worker, exited };
}

export class BackupSealer {
  #sealer: Worker;
  #writer: Worker;
  #exited: Promise<void>[];
  #privateKey: KeyObject;
  #header: Buffer;
  #view: Buffer;
  #free: number[] = [];
  #seq = 0;
  #queued = 0;
  /** Called when a slot frees, a chunk is written or a failure happens: whoever waits re-checks. */
  #wake: Array<() => void> = [];
  #reply: ((r: WriteReply) => void) | undefined;
  #onFailure: ((e: Error) => void) | undefined;
  #failure: Error | undefined;

  /** Starts writing the container to `path` (an empty temp file, created 0600) for `meta`, signed with `privateKey`. */
  constructor(path: string, privateKey: KeyObject, meta: BackupMeta) {
    if (privateKey.type !== 'private') throw new TypeError('BackupSealer needs the server private key (backups are signed)');
    this.#privateKey = privateKey;
    const { header, dek, iv } = newContainerHeader(createPublicKey(privateKey), meta);
    this.#header = header;
    if (dek.length !== GCM_KEY_BYTES || iv.length !== GCM_IV_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key and a 12-byte IV');
    const shared = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    this.#view = Buffer.from(shared);
    for (let i = 0; i < SLOTS; i++) this.#free.push(i);
    const fail = (e: Error): void => this.#fail(e);
    const writer = startWorker<WriteReply>(WRITE_SOURCE, { path, header, maxWrites: MAX_WRITES, flushBytes: FLUSH_BYTES, segmentBytes: SEGMENT_BYTES } satisfies WriteWorkerData, (r) => this.#onWritten(r), fail);
    const sealData: SealWorkerData = { dek, iv, header, shared, slotBytes: SLOT_BYTES, frameHead: FRAME_HEAD, sampleBytes: SAMPLE_BYTES, sampleRatio: SAMPLE_RATIO, zstdLevel: ZSTD_LEVEL };
    const sealer = startWorker<SealReply>(SEAL_SOURCE, sealData, (r) => this.#onSealed(r), fail);
    dek.fill(0);
    this.#writer = writer.worker;
    this.#sealer = sealer.worker;
    this.#exited = [writer.exited, sealer.exited];
  }

  /** Ciphertext from the seal worker: on to the write worker, in order. */
  #onSealed(r: SealReply): void {
    if (r.op === 'error') { this.#fail(new Error(r.message)); return; }
    const buffers = new Set(r.pieces.map((p) => p.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer));
    this.#queued++;
    this.#writer.postMessage({ op: 'bytes', seq: this.#seq++, pieces: r.pieces } satisfies WriteRequest, [...buffers]);
    if (r.op === 'sealed') this.#free.push(r.slot);
    else this.#writer.postMessage({ op: 'digest' } satisfies WriteRequest);
    this.#signal();
  }

  #onWritten(r: WriteReply): void {
    if (r.op === 'error') {
      const e = new Error(r.message) as NodeJS.ErrnoException;
      if (r.code) e.code = r.code;
      this.#fail(e);
    } else if (r.op === 'written') {
      this.#queued--;
      this.#signal();
    } else {
      const f = this.#reply;
      this.#reply = undefined;
      f?.(r);
    }
  }

  #signal(): void {
    for (const f of this.#wake.splice(0)) f();
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    this.#signal();
    this.#onFailure?.(err);
  }

  /** Resolves at the next change (a slot freed, a chunk written, or a failure). */
  #changed(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  /** The next free slot (waits while the seal worker holds all of them or the writes are behind). */
  async slot(): Promise<ChunkSlot> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (this.#free.length > 0 && this.#queued < MAX_QUEUED) break;
      await this.#changed();
    }
    const index = this.#free.shift() as number;
    const base = index * SLOT_BYTES + FRAME_HEAD;
    return { index, data: this.#view.subarray(base, base + CHUNK_BYTES) };
  }

  /** Hand `len` filled bytes of a slot to the seal worker; the slot must not be touched until `slot()` gives it again. */
  submit(index: number, len: number): void {
    if (this.#failure) throw this.#failure;
    this.#sealer.postMessage({ op: 'chunk', slot: index, len } satisfies SealRequest);
  }

  /** The write worker's next answer, or the failure. */
  #answer(send: () => void): Promise<WriteReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    const reply = new Promise<WriteReply>((resolve) => { this.#reply = resolve; });
    const failed = new Promise<never>((_, reject) => { this.#onFailure = reject; });
    send();
    return Promise.race([reply, failed]);
  }

  /** After the last chunk: tag, checkpoints, signature, fsync, and the file's size and SHA-512. */
  async seal(): Promise<SealedFile> {
    const signed = await this.#answer(() => this.#sealer.postMessage({ op: 'end' } satisfies SealRequest));
    if (signed.op !== 'digest') throw new Error('the backup write worker answered out of order');
    const checkpoints = Buffer.from(signed.checkpoints);
    const sig = signPss(this.#privateKey, checkpointMessage(this.#header, checkpoints));
    const count = Buffer.alloc(COUNT_BYTES);
    count.writeUInt32BE(checkpoints.length / CHECKPOINT_BYTES, 0);
    const len = Buffer.alloc(SIG_LEN_BYTES);
    len.writeUInt16BE(sig.length, 0);
    const sealed = await this.#answer(() => this.#writer.postMessage({ op: 'tail', tail: Buffer.concat([checkpoints, count, sig, len]) } satisfies WriteRequest));
    if (sealed.op !== 'sealed') throw new Error('the backup write worker answered out of order');
    return { bytes: sealed.bytes, sha512: sealed.sha512 };
  }

  /**
   * Stop both workers (after `seal` the write worker has closed the file; otherwise it is told to
   * close it and stop, and terminated if it does not within 5 s).
   */
  async close(): Promise<void> {
    this.#failure ??= new Error('the backup sealer was closed');
    this.#writer.postMessage({ op: 'abort' } satisfies WriteRequest);
    await this.#sealer.terminate();
    const timer = setTimeout(() => { void this.#writer.terminate(); }, 5000);
    await Promise.all(this.#exited);
    clearTimeout(timer);
  }
}
