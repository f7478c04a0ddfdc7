/**
 * @module Exact sliding-window rate limiting (a log of admitted calls per key), pure apart from
 * the Map it owns: every method takes `now` in milliseconds.
 */

export interface WindowResult {
  allowed: boolean;
  limit: number;
  /** Calls still allowed in the window after this one. */
  remaining: number;
  /** When not allowed: milliseconds until the oldest call leaves the window. */
  retryAfterMs: number;
}

interface Log { times: number[]; head: number }

export class SlidingWindowLimiter {
  readonly #windowMs: number;
  readonly #logs = new Map<string, Log>();

  constructor(windowMs = 60_000) {
    this.#windowMs = windowMs;
  }

  #prune(key: string, now: number): Log {
    let log = this.#logs.get(key);
    if (!log) { log = { times: [], head: 0 }; this.#logs.set(key, log); }
    const start = now - this.#windowMs;
    while (log.head < log.times.length && log.times[log.head]! <= start) log.head++;
    if (log.head === log.times.length) { log.times = []; log.head = 0; }
    else if (log.head > 1024 && log.head * 2 > log.times.length) { log.times = log.times.slice(log.head); log.head = 0; }
    return log;
  }

  /** Admit one call under `limit` per window, or say how long to wait. */
  take(key: string, limit: number, now: number): WindowResult {
    const log = this.#prune(key, now);
    const used = log.times.length - log.head;
    if (used >= limit) {
      const oldest = log.times[log.head];
      const retryAfterMs = oldest === undefined ? this.#windowMs : Math.max(1, oldest + this.#windowMs - now);
      return { allowed: false, limit, remaining: 0, retryAfterMs };
    }
    log.times.push(now);
    return { allowed: true, limit, remaining: limit - used - 1, retryAfterMs: 0 };
  }

  /** Remaining budget without taking anything. */
  peek(key: string, limit: number, now: number): number {
    const log = this.#prune(key, now);
    return Math.max(0, limit - (log.times.length - log.head));
  }

  /** Forget keys whose windows are empty (call periodically). */
  sweep(now: number): void {
    for (const key of [...this.#logs.keys()]) {
      const log = this.#prune(key, now);
      if (log.head >= log.times.length) this.#logs.delete(key);
    }
  }

  get size(): number {
    return this.#logs.size;
  }
}
