/**
 * @module Audit records caused by requests nobody authenticated (forged Host/Origin, …).
 * Rule (issue #12 item 3): such records are rate-limited per source address — the first
 * PER_SOURCE_PER_MINUTE of a minute are written individually, the rest are counted and written as
 * one `unauthenticated_events_suppressed` summary when that minute is over — so an anonymous
 * flood cannot fill the audit log and push history out. Each event is still reported to
 * `onViolation` (Fail2Ban counting), whether or not it was written.
 */
import type { AuditCategory } from './audit-record.ts';
import type { LogFields } from '../log/logger.ts';

export const PER_SOURCE_PER_MINUTE = 20;
const WINDOW_MS = 60_000;
/** Sources tracked at once; beyond this, new sources share one bucket ("*"). */
const MAX_SOURCES = 10_000;

interface Bucket { start: number; written: number; suppressed: Map<string, number>; category: AuditCategory }

export interface UnauthenticatedAuditOptions {
  append: (category: AuditCategory, event: string, fields: LogFields) => unknown;
  onViolation?: (ip: string) => void;
  now?: () => number;
  perMinute?: number;
}

export class UnauthenticatedAudit {
  #o: UnauthenticatedAuditOptions;
  #buckets = new Map<string, Bucket>();
  #timer: NodeJS.Timeout;

  constructor(options: UnauthenticatedAuditOptions) {
    this.#o = options;
    this.#timer = setInterval(() => this.flush(), WINDOW_MS).unref();
  }

  #now(): number { return (this.#o.now ?? Date.now)(); }

  /** Record one event from `ip`; true when it was written individually (throws if that write failed). */
  record(ip: string, category: AuditCategory, event: string, fields: LogFields): boolean {
    try { this.#o.onViolation?.(ip); } catch { /* counting must not stop the audit */ }
    const now = this.#now();
    const key = this.#buckets.has(ip) || this.#buckets.size < MAX_SOURCES ? ip : '*';
    let b = this.#buckets.get(key);
    if (b && now - b.start >= WINDOW_MS) { this.#summarise(key, b, now); b = undefined; }
    if (!b) { b = { start: now, written: 0, suppressed: new Map(), category }; this.#buckets.set(key, b); }
    if (b.written < (this.#o.perMinute ?? PER_SOURCE_PER_MINUTE)) {
      b.written++;
      this.#o.append(category, event, fields);
      return true;
    }
    b.suppressed.set(event, (b.suppressed.get(event) ?? 0) + 1);
    return false;
  }

  #summarise(key: string, b: Bucket, now: number): void {
    this.#buckets.delete(key);
    if (b.suppressed.size === 0) return;
    let count = 0;
    for (const n of b.suppressed.values()) count += n;
    try {
      this.#o.append(b.category, 'unauthenticated_events_suppressed', {
        source_ip: key, count, events: Object.fromEntries(b.suppressed), limit_per_minute: this.#o.perMinute ?? PER_SOURCE_PER_MINUTE,
        window_start: new Date(b.start).toISOString(), window_end: new Date(Math.min(now, b.start + WINDOW_MS)).toISOString(),
      });
    } catch { /* the next summary or the audit health reports the failure */ }
  }

  /** Write the summaries of finished minutes (a timer does this every minute); `all` also the current ones. */
  flush(all = false): void {
    const now = this.#now();
    for (const [key, b] of [...this.#buckets]) if (all || now - b.start >= WINDOW_MS) this.#summarise(key, b, now);
  }

  /** Flush everything and stop the timer (shutdown). */
  close(): void {
    clearInterval(this.#timer);
    this.flush(true);
  }
}
