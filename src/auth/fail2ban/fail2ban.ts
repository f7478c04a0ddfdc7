/**
 * @module Fail2Ban per source IP (Security page): AUTH_FAIL_LIMIT failures within
 * AUTH_FAIL_WINDOW_SECONDS block the address for AUTH_BLACKLIST_DURATION_SECONDS. Failures and
 * blocks live in the SharedState (scale-out issue): with STATE_BACKEND=valkey every instance counts
 * towards one limit and honours one block list; locally, blocks are persisted so they survive a
 * restart. Start and end of a block are reported once by the instance that saw it.
 */
import type { ExpiringSetState, FailureState } from '../../state/shared-state.ts';

export interface Fail2BanOptions {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
  blocks: ExpiringSetState;
  failures: FailureState;
  /** Epoch seconds. */
  now: () => number;
  onBlock: (ip: string, failures: number, until: number) => void;
  onUnblock: (ip: string, refused: number) => void;
}

/** Blocked addresses remembered for unblock reports; the oldest are forgotten first. */
const MAX_KNOWN = 10_000;

export class Fail2Ban {
  #o: Fail2BanOptions;
  /** Blocked addresses this process has seen, with how many requests were refused meanwhile. */
  #known = new Map<string, number>();
  #primed: Promise<void>;

  constructor(options: Fail2BanOptions) {
    this.#o = options;
    this.#primed = options.blocks.entries().then((list) => { for (const [ip] of list) this.#known.set(ip, 0); }, () => undefined);
  }

  /** Block expiry (epoch seconds) for `ip`, or undefined. */
  async blockedUntil(ip: string): Promise<number | undefined> {
    const until = await this.#o.blocks.get(ip);
    if (until === undefined) {
      const refused = this.#known.get(ip);
      if (refused !== undefined) { this.#known.delete(ip); this.#o.onUnblock(ip, refused); }
    } else {
      this.#known.set(ip, (this.#known.get(ip) ?? 0) + 1);
      if (this.#known.size > MAX_KNOWN) this.#known.delete(this.#known.keys().next().value as string);
    }
    return until;
  }

  /** Count one failure; true when it made the address blocked. */
  async recordFailure(ip: string): Promise<boolean> {
    const count = await this.#o.failures.record(ip, this.#o.windowSeconds);
    if (count < this.#o.limit) return false;
    const until = this.#o.now() + this.#o.blockSeconds;
    await this.#o.failures.clear(ip);
    this.#o.onBlock(ip, count, until);
    await this.#o.blocks.add([[ip, until]]);
    this.#known.set(ip, 0);
    return true;
  }

  /**
   * Addresses this process knows to be blocked now (for /status `blacklisted_ips` and the
   * fail2ban gauge, which are read synchronously); an ended block leaves it at the next sweep.
   */
  blockedCount(): number {
    return this.#known.size;
  }

  /** Addresses blocked now (for /status, /metrics and `aibridge fail2ban list`). */
  async blocked(): Promise<Array<[string, number]>> {
    return this.#o.blocks.entries();
  }

  /** Report blocks that have ended (run on a timer, so an unblock is audited without traffic). */
  async sweep(): Promise<void> {
    await this.#primed;
    for (const [ip, refused] of [...this.#known]) {
      if (await this.#o.blocks.get(ip) !== undefined) continue;
      this.#known.delete(ip);
      this.#o.onUnblock(ip, refused);
    }
  }
}
