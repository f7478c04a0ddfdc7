/**
 * @module The entries of a version-3 payload, read by the payload worker (open-worker.ts): it
 * reads bytes [start, end) of a file, decrypts them when `gcm` is given, expands the chunks and
 * walks the tar; this side receives the entry headers and, for a restore, the file bytes
 * (transferred, not copied), and hands them to a sink one at a time, with back-pressure (the
 * worker waits while CREDITS messages are not yet handled). For restore --verify nothing but
 * the headers crosses over, so the main thread allocates almost nothing per MiB (issue 20: the
 * collections of its large heap were then the slowest part). A failure rejects with a
 * PayloadError that says whether authentication, the chunk format or the file read failed.
 */
import { Worker } from 'node:worker_threads';
import { GCM_IV_BYTES, GCM_KEY_BYTES, GCM_TAG_BYTES } from '../../keys/aes-gcm.ts';
import { CHUNK_BYTES, FRAME_HEAD, MAX_FRAME } from '../backup/backup-chunks.ts';
import { openWorkerMain, type OpenReply, type OpenWorkerData, type TarEntryHead } from './open-worker.ts';

const WORKER_SOURCE = `(${openWorkerMain.toString()})()`;
/** Messages the worker may have sent and this side not yet handled. */
const CREDITS = 8;

export class PayloadError extends Error {
  readonly kind: 'auth' | 'format' | 'io';
  constructor(kind: 'auth' | 'format' | 'io', message: string) { super(message); this.name = 'PayloadError'; this.kind = kind; }
}

export interface PayloadSource { file: string; start: number; end: number; gcm?: { key: Buffer; iv: Buffer; aad: Buffer; tag: Buffer } }

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
  if (src.gcm && (src.gcm.key.length !== GCM_KEY_BYTES || src.gcm.iv.length !== GCM_IV_BYTES || src.gcm.tag.length !== GCM_TAG_BYTES)) {
    throw new RangeError('AES-256-GCM needs a 32-byte key, a 12-byte IV and a 16-byte tag');
  }
  const credits = new Int32Array(new SharedArrayBuffer(8));
  credits[0] = CREDITS;
  const data: OpenWorkerData = {
    path: src.file, start: src.start, end: src.end, credits: credits.buffer as SharedArrayBuffer, chunkBytes: CHUNK_BYTES, maxFrame: MAX_FRAME, frameHead: FRAME_HEAD, wantData,
    ...(src.gcm ? { gcm: src.gcm } : {}),
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
      const timer = setTimeout(() => { void worker.terminate(); }, 5000);
      await exited;
      clearTimeout(timer);
    }
  })();
}
