/**
 * @module Mint RS256 tokens with the server key. JWT-mode client tokens carry exactly the Setup
 * page's claims (sub iss aud iat exp jti client_id); OAuth access tokens are RFC 9068 JWTs
 * (`typ: at+jwt`) with the same claims plus `scope`. Revocation works by `jti`.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK } from 'jose';

/** Header `typ` of JWT-mode client tokens (RFC 7519 §5.1). */
export const JWT_MODE_TYP = 'JWT';
/** Header `typ` of OAuth access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface SignTokenOptions {
  privateKey: KeyObject;
  /** RFC 7638 thumbprint of the public key, sent as `kid` so a rotated key is recognised. */
  keyId: string;
  typ: typeof JWT_MODE_TYP | typeof ACCESS_TOKEN_TYP;
  issuer: string;
  audience: string | string[];
  subject: string;
  clientId: string;
  lifetimeSeconds: number;
  /** Epoch seconds. */
  now: number;
  scope?: string;
}

export interface SignedToken { token: string; jti: string; iat: number; exp: number }

/** The `kid` for a public key: its RFC 7638 SHA-256 JWK thumbprint. */
export async function keyIdOf(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}

export async function signToken(o: SignTokenOptions): Promise<SignedToken> {
  const jti = randomUUID();
  const exp = o.now + o.lifetimeSeconds;
  const claims: Record<string, unknown> = { client_id: o.clientId };
  if (o.scope !== undefined) claims.scope = o.scope;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: o.typ, kid: o.keyId })
    .setSubject(o.subject)
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt(o.now)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(o.privateKey);
  return { token, jti, iat: o.now, exp };
}
