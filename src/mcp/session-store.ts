/**
 * @module Live MCP sessions, each bound to the client that opened it. Bounded: past the
 * per-client cap (MCP_SESSION_MAX_PER_CLIENT) or the instance's cap (MCP_SESSION_MAX_TOTAL) a new
 * session is refused — never another session evicted to make room, so one agent cannot end the
 * session (plan, approval, progress) of another agent of the same client; idle sessions expire.
 */
import { randomBytes } from 'node:crypto';

export interface SessionLimits { maxPerClient: number; maxTotal: number; idleMs: number }

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxPerClient: 32, maxTotal: 2048, idleMs: 30 * 60_000 };

export interface StoredSession {
  id: string;
  clientName: string;
  lastSeenAt: number;
  /** Requests being handled (a busy session is never evicted or expired). */
  inFlight: number;
  close(): Promise<void>;
}

/** 256 random bits, base64url: only characters 0x21–0x7E (MCP transports spec). */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** Room for one more session, or why not and when to retry (seconds until an idle session expires). */
export type Room = { ok: true } | { ok: false; reason: 'client_cap' | 'global_cap'; retryAfterSeconds: number };

/** Retry-After when every session in the way is busy (no idle one will expire on its own soon). */
const BUSY_RETRY_SECONDS = 60;

export class SessionStore {
  readonly limits: SessionLimits;
  readonly #sessions = new Map<string, StoredSession>();

  constructor(limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    this.limits = limits;
  }

  get size(): number { return this.#sessions.size; }

  get(id: string): StoredSession | undefined { return this.#sessions.get(id); }

  add(s: StoredSession): void { this.#sessions.set(s.id, s); }

  delete(id: string): void { this.#sessions.delete(id); }

  all(): StoredSession[] { return [...this.#sessions.values()]; }

  countFor(clientName: string): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.clientName === clientName) n++;
    return n;
  }

  /** Clients with at least one session. */
  clients(): string[] {
    return [...new Set([...this.#sessions.values()].map((s) => s.clientName))].sort();
  }

  /** Whether `clientName` may open one more session at `now` (ms); a refusal says when to retry. */
  makeRoom(clientName: string, now: number): Room {
    if (this.countFor(clientName) >= this.limits.maxPerClient) return { ok: false, reason: 'client_cap', retryAfterSeconds: this.#retryAfter(now, clientName) };
    if (this.#sessions.size >= this.limits.maxTotal) return { ok: false, reason: 'global_cap', retryAfterSeconds: this.#retryAfter(now) };
    return { ok: true };
  }

  /** Seconds until the first idle session (of `clientName`, or any) expires; BUSY_RETRY_SECONDS when none is idle. */
  #retryAfter(now: number, clientName?: string): number {
    let oldest: number | undefined;
    for (const s of this.#sessions.values()) {
      if ((clientName === undefined || s.clientName === clientName) && s.inFlight === 0 && (oldest === undefined || s.lastSeenAt < oldest)) oldest = s.lastSeenAt;
    }
    if (oldest === undefined) return BUSY_RETRY_SECONDS;
    return Math.max(1, Math.ceil((oldest + this.limits.idleMs - now) / 1000));
  }

  /** Remove and return sessions idle for longer than the limit. */
  expire(now: number): StoredSession[] {
    const out: StoredSession[] = [];
    for (const s of this.#sessions.values()) {
      if (s.inFlight === 0 && now - s.lastSeenAt > this.limits.idleMs) out.push(s);
    }
    for (const s of out) this.#sessions.delete(s.id);
    return out;
  }

  /** Remove every session (shutdown). */
  drain(): StoredSession[] {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    return all;
  }
}
