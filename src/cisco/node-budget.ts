/**
 * @module A per-node request budget over a sliding minute, for the Cisco services that throttle
 * all their clients together (RisPort70, PerfMon): aibridge spends from it before it sends, so an
 * agent meets a clear "retry in N s" here rather than the node's throttle, which would also hold
 * back every other client of that node.
 */
import { AppError } from '../lib/errors.ts';

const MINUTE = 60_000;

export class NodeBudget {
  readonly #what: string;
  readonly #perMinute: number;
  readonly #calls = new Map<string, number[]>();

  /** `what` names the service in messages (e.g. "RIS", "PerfMon"). */
  constructor(what: string, perMinute: number) {
    this.#what = what;
    this.#perMinute = perMinute;
  }

  /** Requests left in this minute for the node. */
  left(node: string, now = Date.now()): number {
    return this.#perMinute - this.#recent(node, now).length;
  }

  /** Take one request from the node's budget, or throw E_RATE_LIMITED saying when to retry. */
  spend(node: string, now = Date.now()): void {
    const recent = this.#recent(node, now);
    if (recent.length >= this.#perMinute) {
      const wait = Math.ceil((MINUTE - (now - recent[0]!)) / 1000);
      throw new AppError('E_RATE_LIMITED', `${this.#what} budget of ${this.#perMinute} requests per minute for node "${node}" is used up`, { hint: `retry in ${wait} s; ${this.#what} throttles all its clients together` });
    }
    recent.push(now);
    this.#calls.set(node, recent);
  }

  #recent(node: string, now: number): number[] {
    return (this.#calls.get(node) ?? []).filter((t) => now - t < MINUTE);
  }
}
