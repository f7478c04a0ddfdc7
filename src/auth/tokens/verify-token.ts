/**
 * @module Verify a bearer JWT: RS256 only (never the header's choice: no `none`, no HS*; RFC 8725
 * §3.1), our key id, `typ` JWT or at+jwt (RFC 9068 §4), iss, aud, exp/nbf with ≤30 s leeway, no
 * future `iat`, the required claims, no duplicate claim names. Pure apart from the crypto.
 */
import type { KeyObject } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';
import { ACCESS_TOKEN_TYP, JWT_MODE_TYP } from './sign-token.ts';
import { hasDuplicateKeys } from '../../lib/json-duplicate-keys.ts';

export const CLOCK_LEEWAY_SECONDS = 30;
/** Longest token accepted (ours are ~900 bytes with a 4096-bit key). */
export const MAX_TOKEN_LENGTH = 4096;

export type TokenFailure =
  | 'malformed' | 'bad_signature' | 'unknown_key' | 'bad_type' | 'expired' | 'not_yet_valid' | 'future_iat'
  | 'wrong_issuer' | 'wrong_audience' | 'missing_claim' | 'revoked' | 'unknown_client' | 'subject_changed'
  | 'mode_not_allowed' | 'superseded';

export interface TokenClaims {
  typ: typeof JWT_MODE_TYP | typeof ACCESS_TOKEN_TYP;
  sub: string; iss: string; aud: string[]; iat: number; exp: number; jti: string; client_id: string; scope?: string;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenFailure; jti?: string; clientId?: string };

export interface VerifyOptions {
  publicKey: KeyObject;
  keyId: string;
  issuer: string;
  /** Accepted audiences: the token's `aud` must name at least one (RFC 7519 §4.1.3). */
  audiences: readonly string[];
  /** Epoch seconds. */
  now: number;
}

const JOSE_REASON: Record<string, TokenFailure> = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JOSE_ALG_NOT_ALLOWED: 'bad_signature',
};

function decodeSegment(seg: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(seg)) return undefined;
  return Buffer.from(seg, 'base64url').toString('utf8');
}

function claimReason(err: InstanceType<typeof joseErrors.JWTClaimValidationFailed>): TokenFailure {
  if (err.claim === 'iss') return 'wrong_issuer';
  if (err.claim === 'aud') return 'wrong_audience';
  if (err.claim === 'nbf') return 'not_yet_valid';
  return err.reason === 'missing' ? 'missing_claim' : 'malformed';
}

export async function verifyToken(token: string, o: VerifyOptions): Promise<VerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[2]) return { ok: false, reason: 'malformed' };
  const headerText = decodeSegment(parts[0] ?? '');
  const payloadText = decodeSegment(parts[1] ?? '');
  if (headerText === undefined || payloadText === undefined) return { ok: false, reason: 'malformed' };
  try {
    if (hasDuplicateKeys(headerText) || hasDuplicateKeys(payloadText)) return { ok: false, reason: 'malformed' };
  } catch { return { ok: false, reason: 'malformed' }; }
  let result;
  try {
    result = await jwtVerify(token, o.publicKey, {
      algorithms: ['RS256'], issuer: o.issuer, audience: [...o.audiences], clockTolerance: CLOCK_LEEWAY_SECONDS,
      currentDate: new Date(o.now * 1000), requiredClaims: ['sub', 'iss', 'aud', 'iat', 'exp', 'jti', 'client_id'],
    });
  } catch (err) {
    if (err instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, reason: claimReason(err) };
    const code = (err as { code?: string }).code ?? '';
    return { ok: false, reason: JOSE_REASON[code] ?? 'malformed' };
  }
  const { payload: p, protectedHeader: h } = result;
  if (h.kid !== undefined && h.kid !== o.keyId) return { ok: false, reason: 'unknown_key' };
  if (h.typ !== JWT_MODE_TYP && h.typ !== ACCESS_TOKEN_TYP) return { ok: false, reason: 'bad_type' };
  if (typeof p.sub !== 'string' || typeof p.jti !== 'string' || typeof p.client_id !== 'string' || typeof p.iat !== 'number' || typeof p.exp !== 'number') {
    return { ok: false, reason: 'missing_claim' };
  }
  if (p.iat > o.now + CLOCK_LEEWAY_SECONDS) return { ok: false, reason: 'future_iat', jti: p.jti, clientId: p.client_id };
  if (p.scope !== undefined && typeof p.scope !== 'string') return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    claims: {
      typ: h.typ, sub: p.sub, iss: o.issuer, aud: typeof p.aud === 'string' ? [p.aud] : [...(p.aud ?? [])], iat: p.iat, exp: p.exp,
      jti: p.jti, client_id: p.client_id, ...(typeof p.scope === 'string' ? { scope: p.scope } : {}),
    },
  };
}
