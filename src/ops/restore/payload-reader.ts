/**
 * @module The entries of a version-3 payload, read by the payload worker (open-worker.ts): it
 * reads bytes [start, end) of a file, decrypts them when `gcm` is given, expands the chunks and
 * walks the tar; this side receives the entry headers and, for a restore, the file bytes
 * (transferred, not copied), and hands them to a sink one at a time, with back-pressure (the
 * worker waits while CREDITS messages are not yet handled). For restore --verify nothing but
 * the headers crosses over, so the main thread allocates almost nothing per MiB (issue 20: the
 * collections of its large heap were then the slowest part). A failure rejects with a
 * PayloadError that says whether authentication, the chunk format or the file read failed.
 *
 * With a SegmentRing (restore --verify of a version-4 backup) the worker does not read the file:
 * the main thread reads it into the ring's shared slots and marks each segment authenticated
 * once its signed checkpoint matched (open-backup.ts `readAuthenticated`); the worker decrypts
 * only segments so marked, while the main thread hashes the next ones (issue 20: the hash and
 * the decryption on both cores instead of one after the other).
 */
import { Worker } from 'node:worker_threads';
import { GCM_IV_BYTES, GCM_KEY_BYTES, GCM_TAG_BYTES } from '../../keys/aes-gcm.ts';
import { CHUNK_BYTES, FRAME_HEAD, MAX_FRAME } from '../backup/backup-chunks.ts';
import { SEGMENT_BYTES } from '../backup/backup-format.ts';
import type { SegmentSink } from './open-backup.ts';
import { openWorkerMain, type OpenReply, type OpenWorkerData, type TarEntryHead } from './open-worker.ts';

const WORKER_SOURCE = `(${openWorkerMain.toString()})()`;
/** Messages the worker may have sent and this side not yet handled. */
const CREDITS = 8;

export class PayloadError extends Error {
  readonly kind: 'auth' | 'format' | 'io';
  constructor(kind: 'auth' | 'format' | 'io', message: string) { super(message); this.name = 'PayloadError'; this.kind = kind; }
}

/** Segments in the ring: the read may run this far ahead of the decryption. */
const RING_SLOTS = 8;
/** Control words of a ring (Int32): segments authenticated, segments the worker is done with, stop. */
const AUTHENTICATED = 0;
const CONSUMED = 1;
const STOP = 2;

/** Shared slots for the segments of a version-4 backup, filled and authenticated by the main thread, read by the payload worker. */
export class SegmentRing implements SegmentSink {
  readonly shared = new SharedArrayBuffer(RING_SLOTS * SEGMENT_BYTES);
  readonly control = new SharedArrayBuffer(3 * 4);
  readonly slots = RING_SLOTS;
  #view = Buffer.from(this.shared);
  #ctl = new Int32Array(this.control);

  /** Slot of segment `i`, once the worker is done with the segment that used it before. */
  async slot(i: number): Promise<Buffer> {
    for (;;) {
      if (Atomics.load(this.#ctl, STOP) !== 0) throw new PayloadError('io', 'stopped');
      const done = Atomics.load(this.#ctl, CONSUMED);
      if (i < done + RING_SLOTS) break;
      const w = Atomics.waitAsync(this.#ctl, CONSUMED, done, 1000);
      if (w.async) await w.value;
    }
    const at = (i % RING_SLOTS) * SEGMENT_BYTES;
    return this.#view.subarray(at, at + SEGMENT_BYTES);
  }

  authenticated(i: number): void {
    Atomics.store(this.#ctl, AUTHENTICATED, i + 1);
    Atomics.notify(this.#ctl, AUTHENTICATED);
  }

  /** Wake and stop both sides. */
  stop(): void {
    Atomics.store(this.#ctl, STOP, 1);
    Atomics.notify(this.#ctl, AUTHENTICATED);
    Atomics.notify(this.#ctl, CONSUMED);
  }
}

/**
 * `file` [start, end), or with `ring` the same range of the file as the main thread authenticates
 * it into the ring (then the tag is read from the ring too: the 16 bytes after `end`).
 */
export interface PayloadSource { file: string; start: number; end: number; gcm?: { key: Buffer; iv: Buffer; aad: Buffer; tag?: Buffer }; ring?: SegmentRing }

/** What the main thread does with the entries, in archive order; each call is awaited before the next. */
export interface EntrySink {
  entry(head: TarEntryHead): Promise<void> | void;
  /** File bytes of the last entry (only when the reader was asked for them), in memory the sink owns and may free. */
  data(bytes: Buffer): Promise<void> | void;
}

/**
 * Read the version-3 payload in `src` entry by entry into `sink` (file bytes too when
 * `wantData`); resolves after the last entry and the tag check, rejects with a PayloadError or
 * whatever the sink threw. The worker is stopped and the file closed either way.
 */
export function readPayloadEntries(src: PayloadSource, sink: EntrySink, wantData: boolean): Promise<void> {
  if (src.gcm && (src.gcm.key.length !== GCM_KEY_BYTES || src.gcm.iv.length !== GCM_IV_BYTES || (src.gcm.tag ? src.gcm.tag.length !== GCM_TAG_BYTES : !src.ring))) {
    throw new RangeError('AES-256-GCM needs a 32-byte key, a 12-byte IV and a 16-byte tag');
  }
  const credits = new Int32Array(new SharedArrayBuffer(8));
  credits[0] = CREDITS;
  const data: OpenWorkerData = {
    path: src.file, start: src.start, end: src.end, credits: credits.buffer as SharedArrayBuffer, chunkBytes: CHUNK_BYTES, maxFrame: MAX_FRAME, frameHead: FRAME_HEAD, wantData,
    ...(src.gcm ? { gcm: src.gcm } : {}),
    ...(src.ring ? { ring: { shared: src.ring.shared, control: src.ring.control, slots: src.ring.slots, segmentBytes: SEGMENT_BYTES, tagBytes: GCM_TAG_BYTES } } : {}),
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
  const queue: OpenReply[] = [];
  let wake: (() => void) | undefined;
  const arrive = (m: OpenReply): void => { queue.push(m); wake?.(); };
  worker.on('message', arrive);
  worker.on('error', (err: Error) => arrive({ op: 'error', kind: 'io', message: err.message }));
  const exited = new Promise<void>((resolve) => worker.on('exit', (code) => {
    arrive({ op: 'error', kind: 'io', message: `the restore worker stopped (exit code ${code})` });
    resolve();
  }));
  const next = async (): Promise<OpenReply> => {
    while (queue.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
    wake = undefined;
    return queue.shift()!;
  };
  return (async () => {
    try {
      for (;;) {
        const m = await next();
        if (m.op === 'end') return;
        if (m.op === 'error') throw new PayloadError(m.kind, m.message);
        if (m.op === 'entry') await sink.entry(m.head);
        else await sink.data(Buffer.from(m.buf, 0, m.length));
        Atomics.add(credits, 0, 1);
        Atomics.notify(credits, 0);
      }
    } finally {
      // Let the worker stop by itself (it closes its file); terminate only one that does not.
      Atomics.store(credits, 1, 1);
      Atomics.notify(credits, 0);
      src.ring?.stop();
      const timer = setTimeout(() => { void worker.terminate(); }, 5000);
      await exited;
      clearTimeout(timer);
    }
  })();
}
