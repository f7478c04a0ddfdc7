/**
 * @module The claims of a licence JWT and their schema. The schema is strict (an unknown claim is
 * refused: an older binary must not silently ignore a restriction a newer vendor tool adds) except
 * for feature names, which may name features of newer releases and are then ignored (tiers.ts).
 */
import { z } from 'zod';
import { LICENSED_PRODUCTS, TIER_NAMES } from './tiers.ts';

/** `iss` of licences signed by a real release key and by a development key (see trust-anchor.ts). */
export const RELEASE_ISSUER = 'aibridge-release';
export const DEVELOPMENT_ISSUER = 'aibridge-development';
/** JOSE `typ` header of a licence (RFC 8725 §3.11: explicit typing, so no other JWT passes as one). */
export const LICENSE_TYP = 'aibridge-license+jwt';
/** Signature algorithms accepted; anything else (none, HS*, ES*…) is refused before verification. */
export const LICENSE_ALGORITHMS = ['RS256', 'PS256'] as const;
export type LicenseAlgorithm = typeof LICENSE_ALGORITHMS[number];

export const MAX_GRACE_DAYS = 365;
/** Printable text without control characters (the customer name is shown in logs and on /status). */
const printable = (max: number): z.ZodString => z.string().min(1).max(max).regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'must be printable text');
const epoch = z.number().int().min(0).max(2 ** 40);

export const INSTALL_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const LICENSE_CLAIMS_SCHEMA = z.object({
  iss: z.enum([RELEASE_ISSUER, DEVELOPMENT_ISSUER]),
  sub: printable(200),
  jti: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _'),
  iat: epoch,
  nbf: epoch,
  exp: epoch,
  tier: z.enum(TIER_NAMES),
  products: z.array(z.enum(LICENSED_PRODUCTS)).min(1).max(LICENSED_PRODUCTS.length)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a product'),
  features: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/)).max(32),
  grace_days: z.number().int().min(0).max(MAX_GRACE_DAYS),
  max_clients: z.number().int().min(1).max(100_000).optional(),
  // Any id string: the verifier compares it with this install's id (INSTALL_ID_RE).
  install_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the install id shown by "aibridge license show"').optional(),
}).strict().refine((c) => c.exp > c.nbf, { message: 'exp must be after nbf', path: ['exp'] });

export type LicenseClaims = z.infer<typeof LICENSE_CLAIMS_SCHEMA>;
