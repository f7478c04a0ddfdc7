/**
 * @module SharedState for one instance (STATE_BACKEND=local, the default): the files and memory
 * aibridge has always used, behind the async interface. Never touches the network; leases are
 * always held (there is no other instance).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ExpiringSetState, SharedState } from './shared-state.ts';
import type { ExpiringSetFile } from './local/expiring-set-file.ts';
import type { RefreshTokenStore } from './local/refresh-token-store.ts';
import type { AuthorizationCodes } from './local/authorization-codes.ts';
import type { LoginSessions } from './local/login-sessions.ts';
import { SlidingWindowLimiter } from '../ratelimit/sliding-window.ts';
import { createLocalNoticeBus } from './notice-bus.ts';

export interface LocalStateParts {
  instance: string;
  revoked: ExpiringSetFile;
  cutoffs: ExpiringSetFile;
  blocks: ExpiringSetFile;
  refresh: RefreshTokenStore;
  codes: AuthorizationCodes;
  logins: LoginSessions;
  nowMs?: () => number;
}

function wrapSet(f: ExpiringSetFile): ExpiringSetState {
  return {
    async add(items) { f.set(items); },
    async get(key) { return f.get(key); },
    async delete(key) { f.delete(key); },
    async entries() { return f.entries(); },
  };
}

export function createLocalState(p: LocalStateParts): SharedState {
  const nowMs = p.nowMs ?? Date.now;
  const limiters = new Map<number, SlidingWindowLimiter>();
  const failures = new Map<string, number[]>();
  const sessions = new Map<string, string>();
  const MAX_TRACKED = 10_000;
  const sweep = setInterval(() => { for (const l of limiters.values()) l.sweep(nowMs()); }, 60_000);
  sweep.unref();
  return {
    kind: 'local', instance: p.instance, notices: createLocalNoticeBus(),
    rateLimits: {
      async take(key, limit, windowMs) {
        let l = limiters.get(windowMs);
        if (!l) { l = new SlidingWindowLimiter(windowMs); limiters.set(windowMs, l); }
        return l.take(key, limit, nowMs());
      },
      async remaining(key, limit, windowMs) {
        return limiters.get(windowMs)?.peek(key, limit, nowMs()) ?? limit;
      },
    },
    revocations: wrapSet(p.revoked),
    cutoffs: wrapSet(p.cutoffs),
    blocks: wrapSet(p.blocks),
    failures: {
      async record(key, windowSeconds) {
        const now = nowMs();
        const list = (failures.get(key) ?? []).filter((t) => t > now - windowSeconds * 1000);
        list.push(now);
        failures.delete(key);
        failures.set(key, list);
        if (failures.size > MAX_TRACKED) failures.delete(failures.keys().next().value as string);
        return list.length;
      },
      async clear(key) { failures.delete(key); },
    },
    codes: {
      async issue(grant) { return p.codes.issue(grant); },
      async redeem(code) {
        const r = p.codes.redeem(code);
        return r.ok ? { ok: true, grant: r.grant, async bind(issued) { r.bind(issued); } } : r;
      },
    },
    refresh: {
      async create(info) { return p.refresh.create(info); },
      async rotate(token, clientId) { return p.refresh.rotate(token, clientId); },
      async addAccessToken(familyId, jti, exp) { p.refresh.addAccessToken(familyId, jti, exp); },
      async revokeFamily(familyId) { return p.refresh.revokeFamily(familyId); },
      async lookup(token) { return p.refresh.lookup(token); },
      async revokeClient(clientId) { return p.refresh.revokeClient(clientId); },
    },
    logins: {
      async create(request) { return p.logins.create(request); },
      async check(sid, csrf) { return p.logins.check(sid, csrf); },
      async end(sid) { p.logins.end(sid); },
    },
    sessions: {
      // One instance keeps live sessions in memory (session-store.ts); the record is kept only so
      // the interface behaves the same.
      async put(rec) { sessions.set(rec.id, JSON.stringify(rec)); },
      async get(id) { const v = sessions.get(id); return v ? JSON.parse(v) : undefined; },
      async touch() { /* in memory: nothing expires here */ },
      async delete(id) { sessions.delete(id); },
    },
    leases: { async acquire() { return true; }, async release() { /* nothing shared */ } },
    async ready() { return { ok: true }; },
    async close() { clearInterval(sweep); },
  };
}

/** Constant-time string equality (shared by both backends' CSRF checks). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
