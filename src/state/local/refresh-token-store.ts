/**
 * @module Refresh tokens for the authorization-code grant (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2):
 * opaque 256-bit values stored only as SHA-256 hashes, rotated on every use; presenting a
 * rotated-out token revokes its whole family. Persisted atomically (600) so an IDE survives a
 * server restart; expired entries are dropped on every write.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { withFileLockSync } from '../../lib/file-lock.ts';
import { AppError } from '../../lib/errors.ts';

/** Each refresh token lives 30 days; a family (one login) at most 90 days. */
export const REFRESH_TOKEN_SECONDS = 30 * 86_400;
export const REFRESH_FAMILY_SECONDS = 90 * 86_400;

const FAMILY = z.object({
  client: z.string(), subject: z.string(), scope: z.string(), audience: z.array(z.string()), exp: z.number(), revoked: z.boolean(),
  access: z.array(z.tuple([z.string(), z.number()])),
}).strict();
const TOKEN = z.object({ family: z.string(), used: z.boolean(), exp: z.number() }).strict();
const FILE = z.object({ version: z.literal(1), families: z.record(z.string(), FAMILY), tokens: z.record(z.string(), TOKEN) }).strict();
type StoreData = z.infer<typeof FILE>;
export type RefreshFamily = z.infer<typeof FAMILY>;

export type RotateResult =
  | { ok: true; familyId: string; family: RefreshFamily; token: string }
  | { ok: false; reason: 'unknown' | 'wrong_client' | 'expired' | 'revoked' | 'reused'; familyId?: string; family?: RefreshFamily };

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class RefreshTokenStore {
  readonly path: string;
  #now: () => number;

  constructor(path: string, now: () => number) {
    this.path = path;
    this.#now = now;
    this.#read();
  }

  #read(): StoreData {
    if (!existsSync(this.path)) return { version: 1, families: {}, tokens: {} };
    let parsed: unknown;
    try { parsed = JSON.parse(readFileSync(this.path, 'utf8')); } catch { parsed = undefined; }
    const r = FILE.safeParse(parsed);
    if (!r.success) throw new AppError('E_STATE_WRITE', `"${this.path}" is not a valid refresh-token store`, { hint: 'restore it from a backup, or delete it (every OAuth client then signs in again)' });
    return r.data;
  }

  #mutate<T>(fn: (d: StoreData) => T): T {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    return withFileLockSync(`${this.path}.lock`, () => {
      const d = this.#read();
      const out = fn(d);
      const now = this.#now();
      for (const [id, f] of Object.entries(d.families)) if (f.exp <= now) delete d.families[id];
      for (const [h, t] of Object.entries(d.tokens)) if (t.exp <= now || !d.families[t.family]) delete d.tokens[h];
      writeFileAtomicSync(this.path, `${JSON.stringify(d)}\n`);
      return out;
    });
  }

  #newToken(d: StoreData, familyId: string, familyExp: number): string {
    const token = randomBytes(32).toString('base64url');
    d.tokens[hash(token)] = { family: familyId, used: false, exp: Math.min(this.#now() + REFRESH_TOKEN_SECONDS, familyExp) };
    return token;
  }

  /** Start a family (one successful login) and return its first refresh token. */
  create(info: Omit<RefreshFamily, 'exp' | 'revoked' | 'access'>): { familyId: string; token: string } {
    return this.#mutate((d) => {
      const familyId = randomUUID();
      const exp = this.#now() + REFRESH_FAMILY_SECONDS;
      d.families[familyId] = { ...info, exp, revoked: false, access: [] };
      return { familyId, token: this.#newToken(d, familyId, exp) };
    });
  }

  /** Exchange a refresh token for its successor; a used one revokes the family (reuse detection). */
  rotate(token: string, clientId: string): RotateResult {
    return this.#mutate((d): RotateResult => {
      const t = d.tokens[hash(token)];
      const family = t ? d.families[t.family] : undefined;
      if (!t || !family) return { ok: false, reason: 'unknown' };
      if (family.client !== clientId) return { ok: false, reason: 'wrong_client' };
      if (family.revoked) return { ok: false, reason: 'revoked', familyId: t.family, family };
      if (t.used) { family.revoked = true; return { ok: false, reason: 'reused', familyId: t.family, family }; }
      if (t.exp <= this.#now()) return { ok: false, reason: 'expired' };
      t.used = true;
      return { ok: true, familyId: t.family, family, token: this.#newToken(d, t.family, family.exp) };
    });
  }

  /** Record an access token issued in a family, so revoking the family revokes it too. */
  addAccessToken(familyId: string, jti: string, exp: number): void {
    this.#mutate((d) => { d.families[familyId]?.access.push([jti, exp]); });
  }

  /** Mark a family revoked; returns its access tokens still in force. */
  revokeFamily(familyId: string): Array<[string, number]> {
    return this.#mutate((d) => {
      const f = d.families[familyId];
      if (!f) return [];
      f.revoked = true;
      return f.access.filter(([, exp]) => exp > this.#now());
    });
  }

  /** The family a refresh token belongs to (for RFC 7009 revocation), without using it. */
  lookup(token: string): { familyId: string; family: RefreshFamily } | undefined {
    const d = this.#read();
    const t = d.tokens[hash(token)];
    const family = t ? d.families[t.family] : undefined;
    return t && family ? { familyId: t.family, family } : undefined;
  }

  /** Revoke every family of a client (client purged or `aibridge clients revoke`). */
  revokeClient(clientId: string): Array<[string, number]> {
    return this.#mutate((d) => {
      const out: Array<[string, number]> = [];
      for (const f of Object.values(d.families)) {
        if (f.client !== clientId || f.revoked) continue;
        f.revoked = true;
        out.push(...f.access.filter(([, exp]) => exp > this.#now()));
      }
      return out;
    });
  }
}
