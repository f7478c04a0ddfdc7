/**
 * @module Small checks the grants share: scope (one scope, `mcp`), RFC 8707 resource indicators
 * (only this server's MCP resource URL), and PKCE S256 (RFC 7636 §4.2, §4.6) in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SUPPORTED_SCOPES = ['mcp'] as const;
export const DEFAULT_SCOPE = 'mcp';
/** RFC 7636 §4.1: 43-128 unreserved characters. */
export const CODE_VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url SHA-256: exactly 43 characters. */
export const CODE_CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

export type Check<T> = { ok: true; value: T } | { ok: false; description: string };

/** Requested scope → granted scope; unknown scopes are refused (invalid_scope). */
export function checkScope(requested: string | undefined): Check<string> {
  if (requested === undefined) return { ok: true, value: DEFAULT_SCOPE };
  const parts = requested.split(' ').filter(Boolean);
  const unknown = parts.filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return { ok: false, description: `Unknown scope "${unknown[0]?.slice(0, 40)}"; supported: ${SUPPORTED_SCOPES.join(' ')}` };
  return { ok: true, value: DEFAULT_SCOPE };
}

/** RFC 8707 §2: the resource must be an absolute URI this server protects (invalid_target). */
export function checkResource(requested: string | undefined, resource: string): Check<string | undefined> {
  if (requested === undefined) return { ok: true, value: undefined };
  if (requested !== resource) return { ok: false, description: `Unknown resource; this server protects "${resource}"` };
  return { ok: true, value: requested };
}

/** BASE64URL(SHA256(verifier)) === challenge (RFC 7636 §4.6). */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
