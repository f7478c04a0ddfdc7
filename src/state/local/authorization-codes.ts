/**
 * @module Authorization codes (RFC 6749 §4.1.2, RFC 9700 §4.2.1): 256-bit random, held in memory
 * as SHA-256 hashes, valid 60 s, single use, bound to client, redirect_uri, PKCE challenge and
 * resource. A second redemption is refused and reports what the first one issued so the caller
 * revokes it (RFC 6749 §4.1.2, "SHOULD revoke").
 */
import { createHash, randomBytes } from 'node:crypto';

export const CODE_LIFETIME_SECONDS = 60;
const MAX_CODES = 10_000;

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  resource: string | undefined;
  scope: string;
}

/** What the first redemption issued (access token jti/exp, refresh family). */
export interface IssuedFromCode { accessJti: string; accessExp: number; family: string | undefined }

interface CodeRecord extends CodeGrant { expiresAt: number; issued: IssuedFromCode | undefined; redeemed: boolean }

export type RedeemResult =
  | { ok: true; grant: CodeGrant; bind(issued: IssuedFromCode): void }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused'; grant?: CodeGrant; issued?: IssuedFromCode };

function hash(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

export class AuthorizationCodes {
  #codes = new Map<string, CodeRecord>();
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  issue(grant: CodeGrant): string {
    this.#prune();
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(hash(code), { ...grant, expiresAt: this.#now() + CODE_LIFETIME_SECONDS, issued: undefined, redeemed: false });
    return code;
  }

  /** Redeem a code once. Reuse is remembered until the code would have expired plus a margin. */
  redeem(code: string): RedeemResult {
    const rec = this.#codes.get(hash(code));
    if (!rec) return { ok: false, reason: 'unknown' };
    if (rec.redeemed) return { ok: false, reason: 'reused', grant: rec, ...(rec.issued ? { issued: rec.issued } : {}) };
    rec.redeemed = true;
    if (rec.expiresAt <= this.#now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: rec, bind(issued) { rec.issued = issued; } };
  }

  #prune(): void {
    // Keep redeemed codes for a while after expiry so replays are recognised as reuse.
    const cutoff = this.#now() - 10 * CODE_LIFETIME_SECONDS;
    for (const [k, r] of this.#codes) if (r.expiresAt < cutoff) this.#codes.delete(k);
    while (this.#codes.size >= MAX_CODES) this.#codes.delete(this.#codes.keys().next().value as string);
  }
}
