/**
 * @module The payload of a version-3 backup (backup-format.ts): the tar cut into chunks of
 * CHUNK_BYTES, each framed as kind (1 byte) ‖ length (4 bytes, big-endian) ‖ bytes, where kind 0
 * is the chunk stored as it is and kind 1 one zstd frame of it.
 *
 * Why (issue 20): gzip on one core held backups at 35 MiB/s, and most of an install's bytes
 * (reports as .gz/.zip/.png/.pdf, earlier exports, keys) do not compress at all. A chunk is
 * compressed only when a SAMPLE_BYTES sample of it shrinks below SAMPLE_RATIO; otherwise it is
 * stored, which costs nothing. Writing happens in the seal worker (seal-worker.ts, with these
 * constants); reading here, with decompression on libuv's thread pool (zlib's async zstd), up to
 * IN_FLIGHT chunks at a time and in order. ZSTD_LEVEL was chosen by measurement (bench/README.md).
 *
 * Reading is bounded whatever the file says: a frame longer than the largest a chunk can
 * produce, an unknown kind, a zstd frame that expands beyond CHUNK_BYTES or a truncated frame
 * is an error, so memory stays a few chunks deep.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { zstdDecompress } from 'node:zlib';
import { promisify } from 'node:util';

export const CHUNK_BYTES = 1 << 20;
export const ZSTD_LEVEL = 1;
export const SAMPLE_BYTES = 32 << 10;
export const SAMPLE_RATIO = 0.9;
const IN_FLIGHT = 3;
/** kind (1 byte) ‖ length (4 bytes). */
export const FRAME_HEAD = 5;
const STORED = 0;
const ZSTD = 1;
/** Upper bound on a compressed chunk (zstd's worst case is a little over the input). */
const MAX_FRAME = CHUNK_BYTES + (CHUNK_BYTES >> 7) + 1024;

const decompress = promisify(zstdDecompress);

/**
 * Ordered work with bounded concurrency inside a Transform: `add` starts a job, and waits for the
 * oldest ones (pushing their output) while more than IN_FLIGHT run; `drain` waits for all.
 */
class OrderedJobs {
  #q: Array<Promise<Buffer[]>> = [];
  async add(t: Transform, job: Promise<Buffer[]>): Promise<void> {
    job.catch(() => undefined); // awaited in order below; never an unhandled rejection meanwhile
    this.#q.push(job);
    while (this.#q.length > IN_FLIGHT) for (const b of await this.#q.shift()!) t.push(b);
  }
  async drain(t: Transform): Promise<void> {
    while (this.#q.length > 0) for (const b of await this.#q.shift()!) t.push(b);
  }
}

/**
 * Collects incoming buffers and hands out exact-size pieces: a piece inside one buffer is a view
 * of it; only a piece that spans buffers is copied, once (issue 20: concatenating everything held
 * on every take doubled the allocations of a restore).
 */
class Accumulator {
  #parts: Buffer[] = [];
  length = 0;
  add(b: Buffer): void { if (b.length > 0) { this.#parts.push(b); this.length += b.length; } }
  take(n: number): Buffer {
    const first = this.#parts[0];
    if (first && first.length >= n) {
      if (first.length === n) this.#parts.shift(); else this.#parts[0] = first.subarray(n);
      this.length -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let o = 0; o < n;) {
      const p = this.#parts[0]!;
      const k = p.copy(out, o, 0, n - o);
      o += k;
      if (k === p.length) this.#parts.shift(); else this.#parts[0] = p.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

export class ChunkFormatError extends Error {
  constructor(message: string) { super(message); this.name = 'ChunkFormatError'; }
}

async function unpackChunk(kind: number, body: Buffer): Promise<Buffer[]> {
  if (kind === STORED) return [body];
  try {
    return [await decompress(body, { maxOutputLength: CHUNK_BYTES, chunkSize: CHUNK_BYTES })];
  } catch (err) {
    throw new ChunkFormatError(`a compressed chunk does not decompress within ${CHUNK_BYTES} bytes: ${(err as Error).message}`);
  }
}

/** Framed chunks in, tar bytes out, bounded as the module says. */
export function createChunkExpander(): Transform {
  const acc = new Accumulator();
  const jobs = new OrderedJobs();
  let head: { kind: number; len: number } | undefined;
  const next = (): { kind: number; body: Buffer } | undefined => {
    if (!head) {
      if (acc.length < FRAME_HEAD) return undefined;
      const h = acc.take(FRAME_HEAD);
      const kind = h.readUInt8(0);
      const len = h.readUInt32BE(1);
      if (kind !== STORED && kind !== ZSTD) throw new ChunkFormatError(`unknown chunk kind ${kind}`);
      if (len === 0 || len > (kind === STORED ? CHUNK_BYTES : MAX_FRAME)) throw new ChunkFormatError(`a chunk of ${len} bytes is out of bounds`);
      head = { kind, len };
    }
    if (acc.length < head.len) return undefined;
    const out = { kind: head.kind, body: acc.take(head.len) };
    head = undefined;
    return out;
  };
  return new Transform({
    transform(data: Buffer, _e, cb: TransformCallback) {
      acc.add(data);
      (async () => { for (let f = next(); f; f = next()) await jobs.add(this, unpackChunk(f.kind, f.body)); })().then(() => cb(), cb);
    },
    flush(cb: TransformCallback) {
      (async () => {
        if (head || acc.length > 0) throw new ChunkFormatError('the payload ends inside a chunk');
        await jobs.drain(this);
      })().then(() => cb(), cb);
    },
  });
}
