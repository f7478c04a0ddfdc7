/**
 * @module The one interface to mutable state that several aibridge instances must share
 * (scale-out issue): rate-limit windows, revocations, Fail2Ban failures and blocks, authorization
 * codes, refresh-token families, login sessions, MCP session records and singleton leases. Two
 * implementations: `local-state.ts` (files and memory of one instance, the default, never touches
 * the network) and `valkey-state.ts` (Valkey / Redis ≥ 7; every read-modify-write is one Lua
 * script, so no read-then-write race exists between instances).
 *
 * Every method is async and throws `AppError('E_STATE_UNAVAILABLE')` when the store cannot answer;
 * callers fail closed (HTTP 503) on that error.
 */
import type { WindowResult } from '../ratelimit/sliding-window.ts';
import type { CodeGrant, IssuedFromCode } from './local/authorization-codes.ts';
import type { RefreshFamily, RotateResult } from './local/refresh-token-store.ts';
import type { PendingAuthorization } from './local/login-sessions.ts';
import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export type StateBackendKind = 'local' | 'valkey';

export interface RateLimitState {
  /** Admit one call under `limit` per `windowMs`, atomically across instances. */
  take(key: string, limit: number, windowMs: number): Promise<WindowResult>;
  /** Calls still allowed now, without taking one. */
  remaining(key: string, limit: number, windowMs: number): Promise<number>;
}

/** A map key → expiry (epoch seconds); expired entries are invisible. */
export interface ExpiringSetState {
  add(items: ReadonlyArray<readonly [string, number]>): Promise<void>;
  get(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  entries(): Promise<Array<[string, number]>>;
}

export interface FailureState {
  /** Record one failure for `key` and return how many fell within the last `windowSeconds`. */
  record(key: string, windowSeconds: number): Promise<number>;
  clear(key: string): Promise<void>;
}

export type AsyncRedeemResult =
  | { ok: true; grant: CodeGrant; bind(issued: IssuedFromCode): Promise<void> }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused'; grant?: CodeGrant; issued?: IssuedFromCode };

export interface CodeState {
  issue(grant: CodeGrant): Promise<string>;
  /** Single use: of any number of concurrent redemptions of one code exactly one gets ok. */
  redeem(code: string): Promise<AsyncRedeemResult>;
}

export interface RefreshState {
  create(info: Omit<RefreshFamily, 'exp' | 'revoked' | 'access'>): Promise<{ familyId: string; token: string }>;
  /** Atomic: of concurrent rotations of one token exactly one succeeds; a reuse revokes the family. */
  rotate(token: string, clientId: string): Promise<RotateResult>;
  addAccessToken(familyId: string, jti: string, exp: number): Promise<void>;
  revokeFamily(familyId: string): Promise<Array<[string, number]>>;
  lookup(token: string): Promise<{ familyId: string; family: RefreshFamily } | undefined>;
  revokeClient(clientId: string): Promise<Array<[string, number]>>;
}

export interface LoginState {
  create(request: PendingAuthorization): Promise<{ sid: string; csrf: string }>;
  check(sid: string | undefined, csrf: string | undefined): Promise<{ request: PendingAuthorization; csrf: string } | undefined>;
  end(sid: string): Promise<void>;
}

/** What an MCP session is, so any instance can rebuild its server on demand. */
export interface SessionRecord {
  id: string;
  client: string;
  protocolVersion: string;
  capabilities: Record<string, unknown>;
  clientInfo: { name: string; version: string };
}

export interface SessionRecordState {
  put(rec: SessionRecord, idleSeconds: number): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  touch(id: string, idleSeconds: number): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface LeaseState {
  /** Take or renew the lease `name` for this instance; false while another live instance holds it. */
  acquire(name: string, ttlMs: number): Promise<boolean>;
  release(name: string): Promise<void>;
}

/**
 * Server-to-client notifications every instance's sessions must get (scale-out: a session's SSE
 * stream may be held by another instance than the one where the event happened). Only these
 * parameterless methods travel between instances; anything else received is dropped.
 */
export const NOTICE_METHODS = ['notifications/tools/list_changed', 'notifications/resources/list_changed', 'notifications/prompts/list_changed'] as const;
export type NoticeMethod = typeof NOTICE_METHODS[number];

/** `_meta` key carrying a notice's id on the wire, so the shared event store keeps it once per session. */
export const NOTICE_META = 'aibridge/notice';

export interface Notice {
  method: NoticeMethod;
  /** Only this client's sessions; every session when absent. */
  client?: string;
}

export interface DeliveredNotice extends Notice {
  /** Random UUID, the same on every instance. */
  id: string;
  /** Which process published it (a random id per process, not the instance name). */
  origin: string;
}

export interface NoticeBus {
  /**
   * Deliver to this process's subscribers at once, then (Valkey) to every other instance's. Local
   * delivery never depends on the store; rejects with E_STATE_UNAVAILABLE when the store could
   * not take it (the other instances then miss it).
   */
  publish(n: Notice): Promise<void>;
  /** Receive every notice, this process's and (Valkey) the other instances'. */
  subscribe(fn: (n: DeliveredNotice) => void): Promise<() => void>;
}

export interface SharedState {
  readonly kind: StateBackendKind;
  readonly instance: string;
  readonly rateLimits: RateLimitState;
  readonly revocations: ExpiringSetState;
  /** `aibridge clients revoke`: per-client cut-offs (tokens issued before are refused). */
  readonly cutoffs: ExpiringSetState;
  readonly blocks: ExpiringSetState;
  readonly failures: FailureState;
  readonly codes: CodeState;
  readonly refresh: RefreshState;
  readonly logins: LoginState;
  readonly sessions: SessionRecordState;
  readonly leases: LeaseState;
  /** Server-to-client notifications for the sessions of every instance. */
  readonly notices: NoticeBus;
  /** Resumability events of one MCP session, shared by every instance (Valkey only). */
  eventStore?(sessionId: string): EventStore;
  /** Whether the store answers now (for /readyz); never throws. */
  ready(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}
