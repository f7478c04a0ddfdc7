/**
 * @module Issue (sign) a licence: the vendor side, used by scripts/issue-license.ts and by the test
 * helpers. Checks its inputs with the same schema the verifier uses, so it never writes a licence
 * the product would refuse as malformed.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { AppError } from '../lib/errors.ts';
import { LICENSE_CLAIMS_SCHEMA, LICENSE_TYP } from './license-claims.ts';
import type { LicenseAlgorithm, LicenseClaims } from './license-claims.ts';
import { isLicensedProduct, TIERS } from './tiers.ts';
import type { LicensedProduct, TierName } from './tiers.ts';
import { issuerFor, keyIdOf } from './trust-anchor.ts';
import type { KeyKind } from './trust-anchor.ts';

export const DEFAULT_GRACE_DAYS = 14;
const DAY_S = 86_400;

export interface LicenseRequest {
  customer: string;
  tier: TierName;
  /** Validity from now; negative issues an already expired licence (for tests of expiry). */
  days: number;
  graceDays?: number;
  /** Narrow the tier to these products (default: all of the tier's). */
  products?: readonly string[];
  maxClients?: number;
  installId?: string;
  alg?: LicenseAlgorithm;
  /** Epoch ms (default Date.now()). */
  now?: number;
}

/** The claims for a request; throws E_USAGE naming the bad input. */
export function licenseClaimsFor(req: LicenseRequest, kind: KeyKind): LicenseClaims {
  const tier = TIERS[req.tier];
  if (!tier) throw new AppError('E_USAGE', `unknown tier "${String(req.tier)}"`, { hint: `use one of ${Object.keys(TIERS).join(', ')}` });
  if (!Number.isInteger(req.days)) throw new AppError('E_USAGE', '--days must be a whole number of days (negative for an already expired licence)');
  let products: LicensedProduct[] = [...tier.products];
  if (req.products !== undefined) {
    const bad = req.products.filter((p) => !isLicensedProduct(p) || !(tier.products as readonly string[]).includes(p));
    if (bad.length) throw new AppError('E_USAGE', `--products ${bad.join(',')}: not in the ${req.tier} tier`, { hint: `the ${req.tier} tier has ${tier.products.join(', ')}` });
    products = tier.products.filter((p) => req.products?.includes(p));
    if (products.length === 0) throw new AppError('E_USAGE', '--products names no product');
  }
  const iat = Math.floor((req.now ?? Date.now()) / 1000);
  const exp = iat + req.days * DAY_S;
  const claims = {
    iss: issuerFor(kind), sub: req.customer, jti: randomBytes(12).toString('base64url'),
    iat, nbf: Math.min(iat, exp - DAY_S), exp, tier: req.tier, products, features: [...tier.features],
    grace_days: req.graceDays ?? DEFAULT_GRACE_DAYS,
    ...(req.maxClients !== undefined ? { max_clients: req.maxClients } : {}),
    ...(req.installId !== undefined ? { install_id: req.installId } : {}),
  };
  const parsed = LICENSE_CLAIMS_SCHEMA.safeParse(claims);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('E_USAGE', `invalid licence field ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Sign claims with the release (or development) private key. */
export async function signLicenseClaims(claims: LicenseClaims, privateKey: KeyObject, publicKey: KeyObject, alg: LicenseAlgorithm = 'PS256'): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader({ alg, typ: LICENSE_TYP, kid: keyIdOf(publicKey) })
    .sign(privateKey);
}

export async function issueLicense(req: LicenseRequest, privateKey: KeyObject, publicKey: KeyObject, kind: KeyKind): Promise<{ token: string; claims: LicenseClaims }> {
  const claims = licenseClaimsFor(req, kind);
  return { token: await signLicenseClaims(claims, privateKey, publicKey, req.alg), claims };
}
