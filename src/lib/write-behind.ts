/**
 * @module Write-behind to an open file: buffers handed to `write` are queued and written in
 * batches (one writev each) while the caller goes on reading its source, so a download's network
 * reads and disk writes overlap instead of taking turns chunk by chunk. Memory is bounded: `write`
 * waits once more than `highWaterBytes` are queued behind the batch being written (so at most
 * about twice that is held). The first write error is kept and thrown by the next `write` or by
 * `flush`; nothing is written after it.
 */
import type { FileHandle } from 'node:fs/promises';

export class WriteBehind {
  readonly #fh: FileHandle;
  readonly #high: number;
  #queue: Buffer[] = [];
  #queued = 0;
  #inflight: Promise<void> | undefined;
  #error: unknown;
  #failed = false;

  constructor(fh: FileHandle, highWaterBytes = 4 * 1024 * 1024) {
    this.#fh = fh;
    this.#high = highWaterBytes;
  }

  /** Queue `data` (kept by reference: the caller must not reuse it); waits while the queue is full. */
  async write(data: Buffer): Promise<void> {
    this.#throwIfFailed();
    if (data.length === 0) return;
    this.#queue.push(data);
    this.#queued += data.length;
    this.#pump();
    while (this.#queued >= this.#high && this.#inflight) {
      await this.#inflight;
      this.#throwIfFailed();
    }
  }

  /** Wait until everything queued is written (the caller then fsyncs and closes). */
  async flush(): Promise<void> {
    while (this.#inflight) await this.#inflight;
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failed) throw this.#error;
  }

  #pump(): void {
    if (this.#inflight || this.#failed || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    this.#inflight = writeAll(this.#fh, batch).then(
      () => { this.#inflight = undefined; this.#pump(); },
      (err: unknown) => { this.#inflight = undefined; this.#failed = true; this.#error = err; this.#queue = []; this.#queued = 0; },
    );
  }
}

/** writev the batch, continuing after a short write (regular files rarely do, but may). */
async function writeAll(fh: FileHandle, batch: Buffer[]): Promise<void> {
  let rest = batch;
  while (rest.length > 0) {
    const total = rest.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await fh.writev(rest);
    if (bytesWritten >= total) return;
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) { skip -= b.length; continue; }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}
