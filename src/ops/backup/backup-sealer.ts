/**
 * @module The sealing half of the container (backup-format.ts), main-thread side: it draws the
 * data key and IV, wraps the key, encodes the header, and starts the seal worker
 * (seal-worker.ts) that compresses, encrypts, hashes and writes the payload. The caller fills
 * chunk slots in shared memory (`slot()`, then `submit()`); `seal()` signs the SHA-512 digest
 * the worker computed over every byte before the signature (RSA-PSS with the server's private
 * key: backup-format.ts explains why the signature, not GCM, makes a backup authentic) and
 * returns the file's size and SHA-512 for the `.sha512` sidecar: one hash pass, in the worker.
 *
 * Memory: SLOTS chunks of shared memory whatever the install's size; the worker's own buffers
 * are a few chunks deep (it handles one message at a time).
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { oaepEncrypt } from '../../keys/rsa-oaep.ts';
import { GCM_IV_BYTES, GCM_KEY_BYTES } from '../../keys/aes-gcm.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { CHUNK_BYTES, FRAME_HEAD, SAMPLE_BYTES, SAMPLE_RATIO, ZSTD_LEVEL } from './backup-chunks.ts';
import { DEK_BYTES, IV_BYTES, SIG_LEN_BYTES, encodeHeader, signedMessage } from './backup-format.ts';
import type { BackupMeta } from './backup-format.ts';
import { sealWorkerMain, type SealReply, type SealRequest, type SealWorkerData } from './seal-worker.ts';

/** Chunks in flight: one being filled, the others queued for or inside the worker. */
const SLOTS = 4;
const SLOT_BYTES = FRAME_HEAD + CHUNK_BYTES;
const WORKER_SOURCE = `(${sealWorkerMain.toString()})()`;

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

export class BackupSealer {
  #worker: Worker;
  #privateKey: KeyObject;
  #view: Buffer;
  #free: number[] = [];
  #waiting: Array<(s: number) => void> = [];
  #reply: ((r: SealReply) => void) | undefined;
  #failure: Error | undefined;
  #onFailure: Array<(e: Error) => void> = [];
  #exited: Promise<void>;

  /** Starts writing the container to `path` (an empty temp file, created 0600) for `meta`, signed with `privateKey`. */
  constructor(path: string, privateKey: KeyObject, meta: BackupMeta) {
    if (privateKey.type !== 'private') throw new TypeError('BackupSealer needs the server private key (backups are signed)');
    this.#privateKey = privateKey;
    const { header, dek, iv } = newContainerHeader(createPublicKey(privateKey), meta);
    if (dek.length !== GCM_KEY_BYTES || iv.length !== GCM_IV_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key and a 12-byte IV');
    const shared = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    this.#view = Buffer.from(shared);
    for (let i = 0; i < SLOTS; i++) this.#free.push(i);
    const data: SealWorkerData = { path, dek, iv, header, shared, slotBytes: SLOT_BYTES, frameHead: FRAME_HEAD, sampleBytes: SAMPLE_BYTES, sampleRatio: SAMPLE_RATIO, zstdLevel: ZSTD_LEVEL };
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    dek.fill(0);
    this.#worker.on('message', (r: SealReply) => this.#onMessage(r));
    this.#worker.on('error', (err: Error) => this.#fail(err));
    this.#exited = new Promise((resolve) => this.#worker.on('exit', (code) => {
      this.#fail(new Error(`the backup worker stopped (exit code ${code})`));
      resolve();
    }));
  }

  #onMessage(r: SealReply): void {
    if (r.op === 'error') {
      const e = new Error(r.message) as NodeJS.ErrnoException;
      if (r.code) e.code = r.code;
      this.#fail(e);
    } else if (r.op === 'free') {
      const w = this.#waiting.shift();
      if (w) w(r.slot); else this.#free.push(r.slot);
    } else {
      const f = this.#reply;
      this.#reply = undefined;
      f?.(r);
    }
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    for (const f of this.#onFailure.splice(0)) f(err);
  }

  /** A promise that rejects with the worker's failure, for racing. */
  #failed(): Promise<never> {
    return new Promise((_, reject) => { if (this.#failure) reject(this.#failure); else this.#onFailure.push(reject); });
  }

  /** The next free slot (waits while the worker holds all of them). */
  async slot(): Promise<ChunkSlot> {
    if (this.#failure) throw this.#failure;
    const free = this.#free.shift();
    const index = free ?? await Promise.race([new Promise<number>((resolve) => this.#waiting.push(resolve)), this.#failed()]);
    const base = index * SLOT_BYTES + FRAME_HEAD;
    return { index, data: this.#view.subarray(base, base + CHUNK_BYTES) };
  }

  /** Hand `len` filled bytes of a slot to the worker; the slot must not be touched until `slot()` gives it again. */
  submit(index: number, len: number): void {
    if (this.#failure) throw this.#failure;
    this.#post({ op: 'chunk', slot: index, len });
  }

  #post(m: SealRequest): void { this.#worker.postMessage(m); }

  #ask(m: SealRequest): Promise<SealReply> {
    const reply = new Promise<SealReply>((resolve) => { this.#reply = resolve; });
    this.#post(m);
    return Promise.race([reply, this.#failed()]);
  }

  /** After the last chunk: tag, signature, fsync, and the file's size and SHA-512. */
  async seal(): Promise<SealedFile> {
    const signed = await this.#ask({ op: 'end' });
    if (signed.op !== 'signed') throw new Error('the backup worker answered out of order');
    const sig = signPss(this.#privateKey, signedMessage(Buffer.from(signed.digest)));
    const len = Buffer.alloc(SIG_LEN_BYTES);
    len.writeUInt16BE(sig.length, 0);
    const sealed = await this.#ask({ op: 'tail', tail: Buffer.concat([sig, len]) });
    if (sealed.op !== 'sealed') throw new Error('the backup worker answered out of order');
    return { bytes: sealed.bytes, sha512: sealed.sha512 };
  }

  /**
   * Wait for the worker to end (after `seal` it ends by itself; otherwise it is told to close
   * the file and stop, and terminated if it does not within 5 s).
   */
  async close(): Promise<void> {
    this.#failure ??= new Error('the backup sealer was closed');
    this.#worker.postMessage({ op: 'abort' } satisfies SealRequest);
    const timer = setTimeout(() => { void this.#worker.terminate(); }, 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
