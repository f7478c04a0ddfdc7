/**
 * @module Live MCP sessions, each bound to the client that opened it. Bounded: per client the
 * least recently used idle session makes room for a new one; past the global cap new sessions
 * are refused; idle sessions expire.
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

export type Room = { ok: true; evicted?: StoredSession } | { ok: false; reason: 'client_cap' | 'global_cap' };

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

  /** Make room for one more session of `clientName`, evicting its least recently used idle one if needed. */
  makeRoom(clientName: string): Room {
    if (this.countFor(clientName) < this.limits.maxPerClient) {
      return this.#sessions.size < this.limits.maxTotal ? { ok: true } : { ok: false, reason: 'global_cap' };
    }
    let lru: StoredSession | undefined;
    for (const s of this.#sessions.values()) {
      if (s.clientName === clientName && s.inFlight === 0 && (!lru || s.lastSeenAt < lru.lastSeenAt)) lru = s;
    }
    if (!lru) return { ok: false, reason: 'client_cap' };
    this.#sessions.delete(lru.id);
    return { ok: true, evicted: lru };
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
