/**
 * @module Write-behind to an open file from a fixed pool of buffers: `write` copies the bytes into
 * the buffer being filled (so the caller may reuse its own, e.g. a socket's read buffer), and every
 * full buffer is written (one writev for all that are waiting) while the caller goes on reading
 * its source. Memory is the pool, however many bytes pass: `write` returns false once no free
 * buffer is left, and `onRoom` says when one is back. The first write error is kept and thrown by
 * the next `write` or by `flush`; nothing is written after it. After `flush`, `release` gives the
 * buffers to the next writer (a few are kept process-wide), so downloads one after another do
 * not each leave 4 MiB for the garbage collector.
 */
import type { FileHandle } from 'node:fs/promises';

export interface WriteBehindOptions {
  /** Size of each buffer (default 1 MiB): the size of most writes. */
  bufferBytes?: number;
  /** Buffers in the pool (default 4). */
  buffers?: number;
  /** Called when a buffer became free after `write` returned false. */
  onRoom?: () => void;
  /** Called after each buffer is handed to the disk, with the bytes handed over so far. */
  onHandedOver?: (bytes: number) => void;
  /**
   * Start an fdatasync (not waited for) each time this many more bytes were written, so the disk
   * works while the source still sends and the caller's final fsync finds little left to do.
   */
  syncEveryBytes?: number;
}

/** Buffers of the default size that finished writers left, for the next one (at most KEEP). */
const KEPT: Buffer[] = [];
const KEEP = 8;
const DEFAULT_BYTES = 1024 * 1024;

export class WriteBehind {
  readonly #fh: FileHandle;
  readonly #size: number;
  readonly #poolSize: number;
  readonly #onRoom: (() => void) | undefined;
  readonly #onHandedOver: ((bytes: number) => void) | undefined;
  readonly #syncEvery: number;
  #unsynced = 0;
  #syncing: Promise<void> | undefined;
  #free: Buffer[] = [];
  #allocated = 0;
  #current: Buffer | undefined;
  #used = 0;
  #waiting: Array<{ buf: Buffer; n: number }> = [];
  #inflight: Promise<void> | undefined;
  #handedOver = 0;
  #full = false;
  #error: unknown;
  #failed = false;

  constructor(fh: FileHandle, o: WriteBehindOptions = {}) {
    this.#fh = fh;
    this.#size = o.bufferBytes ?? DEFAULT_BYTES;
    this.#poolSize = o.buffers ?? 4;
    this.#onRoom = o.onRoom;
    this.#onHandedOver = o.onHandedOver;
    this.#syncEvery = o.syncEveryBytes ?? Infinity;
  }

  /**
   * Copy `data` in. Returns false when no buffer is free: stop feeding until `onRoom`. Bytes
   * given after that are still taken (into the buffer being filled, then a spare that leaves the
   * pool once written), so a source that cannot stop at once (a socket's last reads) loses nothing.
   */
  write(data: Buffer): boolean {
    this.#throwIfFailed();
    let off = 0;
    while (off < data.length) {
      this.#current ??= this.#take();
      const n = Math.min(this.#size - this.#used, data.length - off);
      data.copy(this.#current, this.#used, off, off + n);
      this.#used += n;
      off += n;
      if (this.#used === this.#size) this.#handOver();
    }
    // Full as soon as no buffer is free: the one being filled then takes a source's last reads,
    // so a spare is made only if those exceed a whole buffer.
    if (this.#free.length === 0 && this.#allocated >= this.#poolSize) this.#full = true;
    return !this.#full;
  }

  /** Write the partly filled buffer too and wait until everything is written (the caller then fsyncs and closes). */
  async flush(): Promise<void> {
    this.#throwIfFailed();
    if (this.#used > 0) this.#handOver();
    while (this.#inflight) await this.#inflight;
    await this.#syncing;
    this.#throwIfFailed();
  }

  /**
   * After `flush` resolved: hand the buffers on (nothing is writing from them any more). The
   * writer must not be used after this.
   */
  release(): void {
    if (this.#inflight || this.#size !== DEFAULT_BYTES) return;
    for (const b of [...this.#free, ...(this.#current ? [this.#current] : [])]) if (KEPT.length < KEEP) KEPT.push(b);
    this.#free = [];
    this.#current = undefined;
  }

  #throwIfFailed(): void {
    if (this.#failed) throw this.#error;
  }

  #take(): Buffer {
    const own = this.#free.pop();
    if (own) return own;
    this.#allocated++;
    return (this.#size === DEFAULT_BYTES ? KEPT.pop() : undefined) ?? Buffer.allocUnsafeSlow(this.#size);
  }

  #handOver(): void {
    this.#waiting.push({ buf: this.#current!, n: this.#used });
    this.#handedOver += this.#used;
    this.#current = undefined;
    this.#used = 0;
    // The next buffer is taken now only if one is free, so a full pool is seen before more bytes come.
    if (this.#free.length > 0) this.#current = this.#free.pop();
    this.#onHandedOver?.(this.#handedOver);
    this.#pump();
  }

  #pump(): void {
    if (this.#inflight || this.#failed || this.#waiting.length === 0) return;
    const batch = this.#waiting;
    this.#waiting = [];
    this.#inflight = writeAll(this.#fh, batch.map((w) => w.buf.subarray(0, w.n))).then(
      () => {
        this.#inflight = undefined;
        this.#unsynced += batch.reduce((n, w) => n + w.n, 0);
        if (this.#unsynced >= this.#syncEvery && !this.#syncing) {
          this.#unsynced = 0;
          this.#syncing = this.#fh.datasync().then(() => { this.#syncing = undefined; }, (err: unknown) => { this.#syncing = undefined; this.#fail(err); });
        }
        for (const w of batch) {
          if (this.#free.length + (this.#current ? 1 : 0) < this.#poolSize) this.#free.push(w.buf);
          else this.#allocated--;
        }
        this.#pump();
        if (this.#full) { this.#full = false; this.#onRoom?.(); }
      },
      (err: unknown) => { this.#inflight = undefined; this.#fail(err); },
    );
  }

  #fail(err: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = err;
    this.#waiting = [];
    if (this.#full) { this.#full = false; this.#onRoom?.(); }
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
