/**
 * @module Verify a licence and decide its state. Pure apart from the signature check; the clock,
 * the trust anchor, the install id and the configured client count are inputs.
 *
 * Rules, in order (the first that fails decides; every failure is INVALID with one line saying
 * what is wrong and what to do):
 *  1. the header parses, has no duplicate names, no `crit`, `typ` aibridge-license+jwt, and an
 *     `alg` from the allowlist RS256/PS256, decided before any key is touched (so `none`, HS256
 *     keyed with the public key, and every other algorithm are refused);
 *  2. `kid`, when present, names the embedded key; the signature has the key's length (else the
 *     file is truncated) and verifies with the embedded release key only (never a key named by the
 *     token: jku/jwk/x5u/x5c are ignored);
 *  3. the claims parse (no duplicates) and match the strict schema; `iss` is the kind of this
 *     build's key; every product belongs to the tier;
 *  4. `install_id`, when present, is this install's id; `max_clients`, when present, is at least
 *     the number of clients in AUTH_CLIENTS; `nbf` has passed (5 min leeway for clock skew);
 *  5. then time alone decides: before `exp` VALID, before `exp + grace_days` GRACE, else EXPIRED.
 */
import { compactVerify } from 'jose';
import { hasDuplicateKeys } from '../lib/json-duplicate-keys.ts';
import { LICENSE_ALGORITHMS, LICENSE_CLAIMS_SCHEMA, LICENSE_TYP, DEVELOPMENT_ISSUER, RELEASE_ISSUER } from './license-claims.ts';
import type { LicenseClaims } from './license-claims.ts';
import { entitlementsOf, TIERS } from './tiers.ts';
import type { Entitlements } from './tiers.ts';
import type { TrustAnchor } from './trust-anchor.ts';
import { ONE_SHOT_PARSE } from '../lib/one-shot-parse.ts';

export const LICENSE_STATES = ['VALID', 'GRACE', 'EXPIRED', 'INVALID'] as const;
export type LicenseState = typeof LICENSE_STATES[number];

export const NBF_LEEWAY_SECONDS = 300;
const DAY_S = 86_400;

export interface LicenseStatus {
  state: LicenseState;
  /** One line: why this state. */
  reason: string;
  /** One line: what the operator does next (absent when VALID). */
  action?: string;
  /** Present once the signature verified and the claims parsed (also for some INVALID states). */
  claims?: LicenseClaims;
  /** What the licence unlocks: VALID and GRACE only. */
  entitlements?: Entitlements;
  /** Epoch ms of the evaluation. */
  checkedAt: number;
}

export interface VerifyContext {
  anchor: TrustAnchor;
  /** Epoch ms. */
  now: number;
  /** This install's id (secrets/install-id). */
  installId: string;
  /** Number of clients in AUTH_CLIENTS. */
  clientCount: number;
}

const INSTALL_HINT = 'install a valid licence with "aibridge license install FILE" (ask your vendor for one; give them the install id from "aibridge license show")';

function invalid(now: number, reason: string, claims?: LicenseClaims, action = INSTALL_HINT): LicenseStatus {
  return { state: 'INVALID', reason, action, checkedAt: now, ...(claims ? { claims } : {}) };
}

function isoOf(epochS: number): string {
  return new Date(epochS * 1000).toISOString();
}

/** Days from `now` (ms) to `epochS`, rounded up: 30 for a fresh 30-day licence, -2 two days past. */
export function daysUntil(epochS: number, now: number): number {
  return Math.ceil((epochS * 1000 - now) / (DAY_S * 1000)) || 0;
}

function decodeJson(seg: string): Record<string, unknown> | undefined {
  try {
    const text = Buffer.from(seg, 'base64url').toString('utf8');
    if (hasDuplicateKeys(text)) return undefined;
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** The state of a licence whose file could not be read or parsed (LicenseFileError message). */
export function unreadableLicense(now: number, reason: string): LicenseStatus {
  return invalid(now, reason);
}

/** Epoch seconds when the licence stops loading product tools (exp + grace). */
export function graceEndOf(c: LicenseClaims): number {
  return c.exp + c.grace_days * DAY_S;
}

/** The state of `token` (a compact JWS, already normalised by license-file.ts). */
export async function verifyLicense(token: string, ctx: VerifyContext): Promise<LicenseStatus> {
  const { now, anchor } = ctx;
  const [h = '', p = '', s = ''] = token.split('.');
  const header = decodeJson(h);
  if (!header) return invalid(now, 'the licence header is not a JSON object (corrupted file)');
  if ('crit' in header) return invalid(now, 'the licence header has a "crit" parameter, which aibridge does not support');
  if (header.typ !== LICENSE_TYP) return invalid(now, `the file is not an aibridge licence (header typ ${JSON.stringify(header.typ ?? null)}, expected "${LICENSE_TYP}")`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !(LICENSE_ALGORITHMS as readonly string[]).includes(alg)) {
    return invalid(now, `the licence is signed with algorithm ${JSON.stringify(alg ?? null).slice(0, 40)}; only ${LICENSE_ALGORITHMS.join(' and ')} are accepted`);
  }
  const keyDesc = `this build trusts key ${anchor.keyId} (${anchor.kind} key)`;
  if (header.kid !== undefined && header.kid !== anchor.keyId) {
    return invalid(now, `the licence is signed by another key (kid ${String(header.kid).slice(0, 40)}); ${keyDesc}`);
  }
  const modulusBytes = Math.ceil((anchor.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const sigBytes = Buffer.from(s, 'base64url').length;
  if (modulusBytes > 0 && sigBytes !== modulusBytes) {
    return invalid(now, `the licence signature is ${sigBytes} bytes, expected ${modulusBytes}: the file is truncated or was not signed with this build's key`);
  }
  try {
    await compactVerify(token, anchor.publicKey, { algorithms: [alg] });
  } catch {
    return invalid(now, `the licence signature does not verify with the release key built into this binary: the file was altered, or signed by another key; ${keyDesc}`);
  }
  const payload = decodeJson(p);
  if (!payload) return invalid(now, 'the licence claims are not a JSON object without duplicate names');
  const parsed = LICENSE_CLAIMS_SCHEMA.safeParse(payload, ONE_SHOT_PARSE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'claims';
    return invalid(now, `the licence claims are malformed: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  const expectedIss = anchor.kind === 'release' ? RELEASE_ISSUER : DEVELOPMENT_ISSUER;
  if (c.iss !== expectedIss) {
    return invalid(now, c.iss === DEVELOPMENT_ISSUER
      ? 'this is a development licence; a release build accepts only licences issued with the release key'
      : 'this is a release licence; this development build (own development key) accepts only development licences', c);
  }
  const tierProducts: readonly string[] = TIERS[c.tier].products;
  const extra = c.products.filter((x) => !tierProducts.includes(x));
  if (extra.length) return invalid(now, `the licence names ${extra.join(', ')}, which the ${c.tier} tier does not include`, c);
  if (c.install_id !== undefined && c.install_id !== ctx.installId) {
    return invalid(now, `the licence is bound to install ${c.install_id}; this install is ${ctx.installId}`, c,
      `ask your vendor for a licence for install id ${ctx.installId}, or restore this install's secrets/install-id from a backup`);
  }
  if (c.max_clients !== undefined && ctx.clientCount > c.max_clients) {
    return invalid(now, `AUTH_CLIENTS lists ${ctx.clientCount} clients; the licence allows ${c.max_clients}`, c,
      `remove clients from AUTH_CLIENTS in .env, or ask your vendor for a licence with more clients`);
  }
  const nowS = now / 1000;
  if (c.nbf > nowS + NBF_LEEWAY_SECONDS) {
    return invalid(now, `the licence is not valid before ${isoOf(c.nbf)} (check this server's clock)`, c,
      'correct the system clock (timedatectl) or wait until the licence starts');
  }
  const entitlements = entitlementsOf(c.tier, c.products, c.features);
  const graceEnd = graceEndOf(c);
  if (nowS < c.exp) {
    return { state: 'VALID', reason: `licensed to ${c.sub} until ${isoOf(c.exp)}`, claims: c, entitlements, checkedAt: now };
  }
  const renew = 'install a renewed licence with "aibridge license install FILE"; no restart is needed';
  if (nowS < graceEnd) {
    return {
      state: 'GRACE', claims: c, entitlements, checkedAt: now, action: renew,
      reason: `the licence expired on ${isoOf(c.exp)}; the grace period ends ${isoOf(graceEnd)} (${daysUntil(graceEnd, now)} days left), then only the introspection tools remain`,
    };
  }
  return {
    state: 'EXPIRED', claims: c, checkedAt: now, action: renew,
    reason: `the licence expired on ${isoOf(c.exp)} and its ${c.grace_days}-day grace period ended ${isoOf(graceEnd)}; no product tools are loaded`,
  };
}
