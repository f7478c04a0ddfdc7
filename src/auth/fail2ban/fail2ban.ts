/**
 * @module Fail2Ban per source IP (Security page): AUTH_FAIL_LIMIT failures within
 * AUTH_FAIL_WINDOW_SECONDS block the address for AUTH_BLACKLIST_DURATION_SECONDS. Failures are
 * counted in memory (sliding window); blocks are persisted so they survive a restart.
 */
import type { ExpiringSetFile } from '../expiring-set-file.ts';

export interface Fail2BanOptions {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
  blocks: ExpiringSetFile;
  /** Epoch seconds. */
  now: () => number;
  onBlock: (ip: string, failures: number, until: number) => void;
  onUnblock: (ip: string, refused: number) => void;
}

/** Addresses tracked at once; the oldest are forgotten first, so a spray cannot exhaust memory. */
const MAX_TRACKED = 10_000;

export class Fail2Ban {
  #o: Fail2BanOptions;
  #failures = new Map<string, number[]>();
  /** Blocked addresses this process has seen, with how many requests were refused meanwhile. */
  #known = new Map<string, number>();

  constructor(options: Fail2BanOptions) {
    this.#o = options;
    for (const [ip] of options.blocks.entries()) this.#known.set(ip, 0);
  }

  /** Block expiry (epoch seconds) for `ip`, or undefined; also reports blocks that ended. */
  blockedUntil(ip: string): number | undefined {
    this.#sweep();
    const until = this.#o.blocks.get(ip);
    if (until !== undefined) this.#known.set(ip, (this.#known.get(ip) ?? 0) + 1);
    return until;
  }

  /** Count one failure; true when it made the address blocked. */
  recordFailure(ip: string): boolean {
    const now = this.#o.now();
    const since = now - this.#o.windowSeconds;
    const list = (this.#failures.get(ip) ?? []).filter((t) => t > since);
    list.push(now);
    this.#failures.delete(ip);
    this.#failures.set(ip, list);
    if (this.#failures.size > MAX_TRACKED) this.#failures.delete(this.#failures.keys().next().value as string);
    if (list.length < this.#o.limit) return false;
    const until = now + this.#o.blockSeconds;
    this.#failures.delete(ip);
    this.#o.onBlock(ip, list.length, until);
    this.#o.blocks.set([[ip, until]]);
    this.#known.set(ip, 0);
    return true;
  }

  /** Report blocks that have ended (also run on a timer, so an unblock is audited without traffic). */
  sweep(): void {
    this.#sweep();
  }

  #sweep(): void {
    for (const [ip, refused] of this.#known) {
      if (this.#o.blocks.get(ip) !== undefined) continue;
      this.#known.delete(ip);
      this.#o.onUnblock(ip, refused);
    }
  }
}
