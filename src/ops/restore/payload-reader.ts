/**
 * @module The tar bytes of a version-3 payload as a Readable, produced by the payload worker
 * (open-worker.ts): it reads bytes [start, end) of a file, decrypts them when `gcm` is given,
 * and expands the chunks; this side only receives the chunks (transferred, not copied) and
 * pushes them, with back-pressure. A failure destroys the stream with a PayloadError that says
 * whether authentication, the chunk format or the file read failed.
 */
import { closeSync, openSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { GCM_IV_BYTES, GCM_KEY_BYTES, GCM_TAG_BYTES } from '../../keys/aes-gcm.ts';
import { CHUNK_BYTES, FRAME_HEAD, MAX_FRAME } from '../backup/backup-chunks.ts';
import { openWorkerMain, type OpenReply, type OpenWorkerData } from './open-worker.ts';

const WORKER_SOURCE = `(${openWorkerMain.toString()})()`;
/** Chunks the worker may have handed over and this side not yet pushed on. */
const CREDITS = 4;

export class PayloadError extends Error {
  readonly kind: 'auth' | 'format' | 'io';
  constructor(kind: 'auth' | 'format' | 'io', message: string) { super(message); this.name = 'PayloadError'; this.kind = kind; }
}

export interface PayloadSource { file: string; start: number; end: number; gcm?: { key: Buffer; iv: Buffer; aad: Buffer; tag: Buffer } }

class PayloadReader extends Readable {
  #worker: Worker;
  #fd: number;
  #credits: Int32Array;
  #owed = 0;
  #done = false;

  constructor(src: PayloadSource) {
    super({ highWaterMark: 2 * CHUNK_BYTES });
    if (src.gcm && (src.gcm.key.length !== GCM_KEY_BYTES || src.gcm.iv.length !== GCM_IV_BYTES || src.gcm.tag.length !== GCM_TAG_BYTES)) {
      throw new RangeError('AES-256-GCM needs a 32-byte key, a 12-byte IV and a 16-byte tag');
    }
    this.#fd = openSync(src.file, 'r');
    const credits = new SharedArrayBuffer(4);
    this.#credits = new Int32Array(credits);
    this.#credits[0] = CREDITS;
    const data: OpenWorkerData = {
      fd: this.#fd, start: src.start, end: src.end, credits, chunkBytes: CHUNK_BYTES, maxFrame: MAX_FRAME, frameHead: FRAME_HEAD,
      ...(src.gcm ? { gcm: src.gcm } : {}),
    };
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    this.#worker.on('message', (m: OpenReply) => this.#onMessage(m));
    this.#worker.on('error', (err: Error) => this.destroy(new PayloadError('io', err.message)));
    this.#worker.on('exit', (code) => { if (!this.#done) this.destroy(new PayloadError('io', `the restore worker stopped (exit code ${code})`)); });
  }

  #credit(n: number): void {
    Atomics.add(this.#credits, 0, n);
    Atomics.notify(this.#credits, 0);
  }

  #onMessage(m: OpenReply): void {
    if (this.destroyed || this.#done) return;
    if (m.op !== 'chunk') this.#done = true;
    if (m.op === 'chunk') {
      if (this.push(Buffer.from(m.buf, 0, m.length))) this.#credit(1); else this.#owed++;
    } else if (m.op === 'end') this.push(null);
    else this.destroy(new PayloadError(m.kind, m.message));
  }

  override _read(): void {
    if (this.#owed > 0) { this.#credit(this.#owed); this.#owed = 0; }
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.#worker.removeAllListeners('exit');
    this.#worker.terminate().finally(() => { closeSync(this.#fd); cb(err); });
  }
}

/** The tar bytes of the version-3 payload in `src`; the key material in `src.gcm` is copied to the worker. */
export function payloadTar(src: PayloadSource): Readable {
  return new PayloadReader(src);
}
