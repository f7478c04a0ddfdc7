/**
 * @module SharedState on Valkey. Keys are `VALKEY_KEY_PREFIX` + namespace + encoded parts
 * (state-keys.ts); every read-modify-write is one Lua script (valkey-scripts.ts); secrets (codes,
 * refresh tokens) are stored only as SHA-256 hashes, as in the local backend.
 *
 * Revocations are also mirrored into this instance's local file (`mirror`): a revoked token stays
 * refused even when the store is flushed or restarted empty, and the mirror is written back to the
 * store at every sync so a flushed store learns them again.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ValkeyConnection } from './valkey-connection.ts';
import type {
  AsyncRedeemResult, CodeState, ExpiringSetState, FailureState, LeaseState, LoginState, RateLimitState, RefreshState,
  SessionRecord, SessionRecordState, SharedState,
} from './shared-state.ts';
import type { Namespace } from './state-keys.ts';
import { stateKey } from './state-keys.ts';
import { createValkeyEventStore } from './valkey-event-store.ts';
import { createValkeyNoticeBus } from './valkey-notices.ts';
import {
  CODE_REDEEM, EXPIRING_SET_ADD, SLIDING_WINDOW_COUNT, FAILURE_RECORD, LEASE_ACQUIRE, LEASE_RELEASE, REFRESH_REVOKE_FAMILY, REFRESH_ROTATE, SLIDING_WINDOW_TAKE,
} from './valkey-scripts.ts';
import { CODE_LIFETIME_SECONDS } from './local/authorization-codes.ts';
import type { CodeGrant, IssuedFromCode } from './local/authorization-codes.ts';
import { REFRESH_FAMILY_SECONDS, REFRESH_TOKEN_SECONDS } from './local/refresh-token-store.ts';
import type { RefreshFamily, RotateResult } from './local/refresh-token-store.ts';
import { LOGIN_SESSION_SECONDS } from './local/login-sessions.ts';
import type { PendingAuthorization } from './local/login-sessions.ts';
import type { ExpiringSetFile } from './local/expiring-set-file.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');
const unique = (): string => `${Date.now()}-${randomBytes(8).toString('hex')}`;

type Family = Omit<RefreshFamily, 'access'>;

function parseFamily(json: string): Family {
  const f = JSON.parse(json) as Family & { audience: unknown };
  // cjson re-encodes an empty array as {}: restore the array shape.
  return { ...f, audience: Array.isArray(f.audience) ? f.audience as string[] : [] };
}

export interface ValkeyStateOptions {
  instance: string;
  /** Epoch seconds; injected by tests. Without it the scripts use the server's clock. */
  now?: () => number;
  /** This instance's local copies of revocations and client cut-offs (see module doc). */
  revocationMirror: ExpiringSetFile;
  cutoffMirror: ExpiringSetFile;
}

export function createValkeyState(conn: ValkeyConnection, o: ValkeyStateOptions): SharedState {
  const k = (ns: Namespace, ...parts: string[]): string => stateKey(conn.prefix, ns, ...parts);
  const nowS = o.now ?? ((): number => Math.floor(Date.now() / 1000));
  /** ARGV[1] of the clocked scripts: '' = the server's clock (one clock for every instance). */
  const clock = (): string => (o.now ? String(o.now() * 1000) : '');

  const rateLimits: RateLimitState = {
    async take(key, limit, windowMs) {
      const r = await conn.script(SLIDING_WINDOW_TAKE, [k('rl', key)], [clock(), limit, windowMs, unique()]) as [number, number, number];
      const allowed = r[0] === 1;
      return { allowed, limit, remaining: allowed ? Math.max(0, limit - r[1]) : 0, retryAfterMs: allowed ? 0 : r[2] };
    },
    async remaining(key, limit, windowMs) {
      return Math.max(0, limit - Number(await conn.script(SLIDING_WINDOW_COUNT, [k('rl', key)], [clock(), windowMs])));
    },
  };

  const expiringSet = (ns: Namespace, mirror?: ExpiringSetFile): ExpiringSetState => ({
    async add(items) {
      mirror?.set(items);
      if (items.length === 0) return;
      await conn.script(EXPIRING_SET_ADD, [k(ns)], [clock(), ...items.flatMap(([m, exp]) => [m, exp])]);
    },
    async get(key) {
      const local = mirror?.get(key);
      if (local !== undefined) return local;
      const s = await conn.run((c) => c.zscore(k(ns), key));
      const exp = s === null ? undefined : Number(s);
      if (exp === undefined || exp <= nowS()) return undefined;
      mirror?.set([[key, exp]]);
      return exp;
    },
    async delete(key) {
      mirror?.delete(key);
      await conn.run((c) => c.zrem(k(ns), key));
    },
    async entries() {
      const flat = await conn.run((c) => c.zrangebyscore(k(ns), `(${nowS()}`, '+inf', 'WITHSCORES'));
      const out = new Map<string, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i]!, Number(flat[i + 1]));
      for (const [m, exp] of mirror?.entries() ?? []) out.set(m, Math.max(exp, out.get(m) ?? 0));
      return [...out];
    },
  });

  const failures: FailureState = {
    async record(key, windowSeconds) {
      return Number(await conn.script(FAILURE_RECORD, [k('fail', key)], [clock(), windowSeconds, unique()]));
    },
    async clear(key) { await conn.run((c) => c.del(k('fail', key))); },
  };

  const codes: CodeState = {
    async issue(grant) {
      const code = randomBytes(32).toString('base64url');
      const key = k('code', sha256(code));
      await conn.run((c) => c.multi()
        .hset(key, 'grant', JSON.stringify(grant), 'exp', String(nowS() + CODE_LIFETIME_SECONDS), 'redeemed', '0')
        .expire(key, 10 * CODE_LIFETIME_SECONDS).exec());
      return code;
    },
    async redeem(code): Promise<AsyncRedeemResult> {
      const key = k('code', sha256(code));
      const r = await conn.script(CODE_REDEEM, [key], [nowS()]) as string[];
      const kind = r[0];
      if (kind === 'ok') {
        const grant = JSON.parse(r[1]!) as CodeGrant;
        return { ok: true, grant, async bind(issued: IssuedFromCode) { await conn.run((c) => c.hset(key, 'issued', JSON.stringify(issued))); } };
      }
      if (kind === 'reused') {
        const grant = JSON.parse(r[1]!) as CodeGrant;
        return { ok: false, reason: 'reused', grant, ...(r[2] ? { issued: JSON.parse(r[2]) as IssuedFromCode } : {}) };
      }
      return { ok: false, reason: kind === 'expired' ? 'expired' : 'unknown' };
    },
  };

  const accessOf = async (familyId: string): Promise<Array<[string, number]>> => {
    const flat = await conn.run((c) => c.zrangebyscore(k('rfa', familyId), `(${nowS()}`, '+inf', 'WITHSCORES'));
    const out: Array<[string, number]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
    return out;
  };
  const withAccess = async (id: string, f: Family): Promise<RefreshFamily> => ({ ...f, access: await accessOf(id) });

  const refresh: RefreshState = {
    async create(info) {
      const familyId = randomUUID();
      const now = nowS();
      const exp = now + REFRESH_FAMILY_SECONDS;
      const token = randomBytes(32).toString('base64url');
      const family: Family = { ...info, exp, revoked: false };
      await conn.run((c) => c.multi()
        .set(k('rf', familyId), JSON.stringify(family), 'EX', REFRESH_FAMILY_SECONDS)
        .set(k('rt', sha256(token)), JSON.stringify({ family: familyId, used: false, exp: Math.min(now + REFRESH_TOKEN_SECONDS, exp) }), 'EX', REFRESH_TOKEN_SECONDS)
        .sadd(k('rfc', info.client), familyId)
        .expire(k('rfc', info.client), REFRESH_FAMILY_SECONDS)
        .exec());
      return { familyId, token };
    },
    async rotate(token, clientId): Promise<RotateResult> {
      const next = randomBytes(32).toString('base64url');
      const r = await conn.script(REFRESH_ROTATE, [k('rt', sha256(token)), k('rt', sha256(next))], [`${k('rf')}:`, clientId, nowS(), REFRESH_TOKEN_SECONDS]) as string[];
      const kind = r[0];
      if (kind === 'ok') return { ok: true, familyId: r[1]!, family: await withAccess(r[1]!, parseFamily(r[2]!)), token: next };
      if (kind === 'revoked' || kind === 'reused') return { ok: false, reason: kind, familyId: r[1]!, family: await withAccess(r[1]!, parseFamily(r[2]!)) };
      return { ok: false, reason: kind === 'wrong_client' ? 'wrong_client' : kind === 'expired' ? 'expired' : 'unknown' };
    },
    async addAccessToken(familyId, jti, exp) {
      await conn.run((c) => c.multi().zadd(k('rfa', familyId), exp, jti).expire(k('rfa', familyId), REFRESH_FAMILY_SECONDS).exec());
    },
    async revokeFamily(familyId) {
      const r = await conn.script(REFRESH_REVOKE_FAMILY, [k('rf', familyId)], []) as string[] | null;
      if (!r) return [];
      return accessOf(familyId);
    },
    async lookup(token) {
      const t = await conn.run((c) => c.get(k('rt', sha256(token))));
      if (!t) return undefined;
      const familyId = (JSON.parse(t) as { family: string }).family;
      const f = await conn.run((c) => c.get(k('rf', familyId)));
      return f ? { familyId, family: await withAccess(familyId, parseFamily(f)) } : undefined;
    },
    async revokeClient(clientId) {
      const ids = await conn.run((c) => c.smembers(k('rfc', clientId)));
      const out: Array<[string, number]> = [];
      for (const id of ids) {
        const r = await conn.script(REFRESH_REVOKE_FAMILY, [k('rf', id)], []) as string[] | null;
        if (r && r[0] === 'revoked') out.push(...await accessOf(id));
      }
      return out;
    },
  };

  const logins: LoginState = {
    async create(request: PendingAuthorization) {
      const sid = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      await conn.run((c) => c.set(k('login', sha256(sid)), JSON.stringify({ csrf, request }), 'EX', LOGIN_SESSION_SECONDS));
      return { sid, csrf };
    },
    async check(sid, csrf) {
      if (!sid || !csrf) return undefined;
      const v = await conn.run((c) => c.get(k('login', sha256(sid))));
      if (!v) return undefined;
      const s = JSON.parse(v) as { csrf: string; request: PendingAuthorization };
      const a = Buffer.from(s.csrf);
      const b = Buffer.from(csrf);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
      return s;
    },
    async end(sid) { await conn.run((c) => c.del(k('login', sha256(sid)))); },
  };

  const sessions: SessionRecordState = {
    async put(rec: SessionRecord, idleSeconds) { await conn.run((c) => c.set(k('mcps', rec.id), JSON.stringify(rec), 'EX', idleSeconds)); },
    async get(id) {
      const v = await conn.run((c) => c.get(k('mcps', id)));
      return v ? JSON.parse(v) as SessionRecord : undefined;
    },
    async touch(id, idleSeconds) { await conn.run((c) => c.expire(k('mcps', id), idleSeconds)); },
    async delete(id) { await conn.run((c) => c.del(k('mcps', id))); },
  };

  const leases: LeaseState = {
    async acquire(name, ttlMs) { return Number(await conn.script(LEASE_ACQUIRE, [k('lease', name)], [o.instance, ttlMs])) === 1; },
    async release(name) { await conn.script(LEASE_RELEASE, [k('lease', name)], [o.instance]); },
  };

  const notices = createValkeyNoticeBus(conn);

  return {
    kind: 'valkey', instance: o.instance, notices,
    eventStore: (sessionId: string) => createValkeyEventStore(conn, sessionId),
    rateLimits, revocations: expiringSet('revoked', o.revocationMirror), cutoffs: expiringSet('cutoffs', o.cutoffMirror), blocks: expiringSet('blocks'), failures, codes, refresh, logins, sessions, leases,
    async ready() {
      try {
        const pong = await conn.run((c) => c.ping());
        return pong === 'PONG' ? { ok: true } : { ok: false, reason: `unexpected answer to PING: ${pong}` };
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
    },
    async close() { await notices.close(); await conn.close(); },
  };
}

/**
 * Write this instance's unexpired revocations and cut-offs back to the store (after a flush or a
 * restart with empty memory); also what the CLI and start-up wrote to the local files.
 */
export async function republishRevocations(state: SharedState, mirrors: { revoked: ExpiringSetFile; cutoffs: ExpiringSetFile }): Promise<number> {
  const revoked = mirrors.revoked.entries();
  const cutoffs = mirrors.cutoffs.entries();
  if (revoked.length > 0) await state.revocations.add(revoked);
  if (cutoffs.length > 0) await state.cutoffs.add(cutoffs);
  return revoked.length + cutoffs.length;
}
