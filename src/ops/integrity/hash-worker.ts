/**
 * @module SHA-512 of files on a worker thread at the lowest CPU priority (nice 19, that thread only),
 * for the integrity checks that run while the server serves (right after listening, the watchdog):
 * hashing the 157 MB binary takes ~200 ms of CPU that would otherwise block the event loop in
 * slices and delay the first requests. One worker per check, files hashed one after the other,
 * terminated when the check ends or is aborted.
 */
import { Worker } from 'node:worker_threads';

// Plain CommonJS for `eval: true` (the same in the bundle, from source and on Deno): builtins only.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(4 << 20);
// Lowest CPU priority for this thread only (Linux: the nice value is per thread, setpriority(2)),
// so a background check takes only CPU that requests leave idle.
try { require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), 19); } catch {}
parentPort.on('message', ({ id, path }) => {
  try {
    const h = createHash('sha512');
    const fd = openSync(path, 'r');
    try { for (;;) { const n = readSync(fd, buf, 0, buf.length, null); if (n === 0) break; h.update(buf.subarray(0, n)); } } finally { closeSync(fd); }
    parentPort.postMessage({ id, hex: h.digest('hex') });
  } catch (err) { parentPort.postMessage({ id, error: String(err && err.message || err) }); }
});
`;

export interface FileHasher {
  /** SHA-512 (hex) of the file at `path`; rejects on a read error or when `signal` aborts. */
  hash(path: string, signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

type Pending = { resolve: (hex: string) => void; reject: (err: Error) => void };

interface HashThread { worker: Worker; pending: Map<number, Pending> }

function startThread(onGone: (t: HashThread) => void): HashThread {
  const t: HashThread = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: new Map() };
  const failAll = (err: Error): void => { for (const p of t.pending.values()) p.reject(err); t.pending.clear(); };
  t.worker.on('message', (m: { id: number; hex?: string; error?: string }) => {
    const p = t.pending.get(m.id);
    if (!p) return;
    t.pending.delete(m.id);
    if (t.pending.size === 0) t.worker.unref(); // idle: never keeps a stopping process alive
    if (m.hex !== undefined) p.resolve(m.hex); else p.reject(new Error(m.error ?? 'hash worker failed'));
  });
  t.worker.on('error', (err: Error) => { failAll(err); onGone(t); });
  t.worker.on('exit', (code) => { failAll(new Error(`hash worker exited (${code})`)); onGone(t); });
  return t;
}

/** A hasher backed by one worker thread, started on the first file (again after an abort). */
export function createWorkerHasher(): FileHasher {
  let thread: HashThread | undefined;
  let nextId = 0;
  const gone = (t: HashThread): void => { if (thread === t) thread = undefined; };
  return {
    hash(path, signal) {
      signal?.throwIfAborted();
      thread ??= startThread(gone);
      const t = thread;
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const onAbort = (): void => {
          t.pending.delete(id);
          gone(t); // the next file gets a fresh thread
          reject(signal?.reason as Error);
          void t.worker.terminate();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        t.pending.set(id, {
          resolve: (hex) => { signal?.removeEventListener('abort', onAbort); resolve(hex); },
          reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err); },
        });
        t.worker.ref();
        t.worker.postMessage({ id, path });
      });
    },
    async close() {
      const t = thread;
      thread = undefined;
      if (t) await t.worker.terminate();
    },
  };
}
