/**
 * @module Memo of the pure part of bearer verification (verify-token.ts: RS256 signature, kid,
 * typ, iss, aud, required claims), keyed by the SHA-256 of the token, so a client's every call
 * does not pay an RSA verification (the largest single cost of a small MCP call, bench/README.md).
 *
 * Rule: the memo answers only what cannot change while the token is unexpired — that these exact
 * bytes were signed by our key with these claims. A hit is still refused once `exp` (+ leeway)
 * passes or when `iat` is in the future, exactly as a fresh check would; and everything that CAN
 * change — revocation of the jti, the client's cut-off, the client's removal, subject or mode, a
 * superseded `.token` — is checked on every call by BearerVerifier, through the shared state
 * (so a revocation on another instance is honoured at once). Only successes are memoised; the
 * digest (not the token) is the key; entries are bounded in number and dropped at expiry; the memo
 * belongs to one verifier (one key pair, issuer and audience list).
 */
import { hash } from 'node:crypto';
import type { TokenClaims, VerifyResult } from './verify-token.ts';
import { CLOCK_LEEWAY_SECONDS } from './verify-token.ts';

/** Most tokens remembered; beyond it the oldest entry is dropped (insertion order). */
export const VERIFIED_TOKEN_CACHE_MAX = 4096;

export class VerifiedTokenCache {
  #entries = new Map<string, TokenClaims>();
  readonly max: number;

  constructor(max = VERIFIED_TOKEN_CACHE_MAX) {
    this.max = max;
  }

  get size(): number { return this.#entries.size; }

  /**
   * The verification result for `token` at `now` (epoch seconds): from the memo when these bytes
   * verified before and are still within their lifetime, else from `verify` (memoised on success).
   */
  async verify(token: string, now: number, verify: () => Promise<VerifyResult>): Promise<VerifyResult> {
    const key = hash('sha256', token, 'base64url'); // one-shot: a third of createHash's cost per request
    const hit = this.#entries.get(key);
    if (hit) {
      if (now < hit.exp + CLOCK_LEEWAY_SECONDS && hit.iat <= now + CLOCK_LEEWAY_SECONDS) return { ok: true, claims: hit };
      this.#entries.delete(key); // expired (or the clock moved back past iat): verify afresh, which refuses it
    }
    const r = await verify();
    if (r.ok) {
      if (this.#entries.size >= this.max) this.#dropExpiredOrOldest(now);
      this.#entries.set(key, r.claims);
    }
    return r;
  }

  #dropExpiredOrOldest(now: number): void {
    for (const [k, c] of this.#entries) if (now >= c.exp + CLOCK_LEEWAY_SECONDS) this.#entries.delete(k);
    if (this.#entries.size < this.max) return;
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}
