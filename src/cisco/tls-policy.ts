/**
 * @module Outbound TLS policy per product: SERVER_<PRODUCT>_SSL_VERIFY and _SSL_CA_BUNDLE (relative
 * paths resolve against the install root; empty = system CAs). Read once at start-up.
 */
import { readFileSync } from 'node:fs';
import { resolveInstallPath } from '../config/load-config.ts';
import type { EnvConfig } from '../config/env-schema.ts';
import { AppError } from '../lib/errors.ts';
import type { CiscoProduct } from './cisco-node.ts';

export interface TlsPolicy {
  product: CiscoProduct;
  verify: boolean;
  /** PEM bundle, or undefined for the system store. */
  ca?: string;
  /** The .env keys named in TLS hints, when not the product's SERVER_<P>_SSL_VERIFY / _SSL_CA_BUNDLE. */
  keys?: [string, string];
}

const KEYS: Record<CiscoProduct, [keyof EnvConfig, keyof EnvConfig]> = {
  cucm: ['SERVER_CUCM_SSL_VERIFY', 'SERVER_CUCM_SSL_CA_BUNDLE'],
  imp: ['SERVER_IMP_SSL_VERIFY', 'SERVER_IMP_SSL_CA_BUNDLE'],
  cuc: ['SERVER_CUC_SSL_VERIFY', 'SERVER_CUC_SSL_CA_BUNDLE'],
};

/** Names of the .env keys that govern a product's TLS (for error hints). */
export function tlsKeys(product: CiscoProduct): [string, string] {
  return KEYS[product] as [string, string];
}

function readBundle(root: string, key: string, bundle: string): string {
  const path = resolveInstallPath(root, bundle);
  let ca: string;
  try { ca = readFileSync(path, 'utf8'); } catch (err) {
    throw new AppError('E_CONFIG_INVALID', `.env: ${key} points at "${path}", which cannot be read`, { hint: 'give the path of a PEM CA bundle (relative paths start at the install folder)', cause: err });
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('E_CONFIG_INVALID', `.env: ${key} file "${path}" holds no PEM certificate`, { hint: 'export the CA or certificate chain as PEM' });
  return ca;
}

/**
 * The trust for phone web servers (SERVER_CUCM_PHONE_CA_BUNDLE), or undefined when none is set:
 * then no HTTPS to phones at all, never TLS without verification. Only these CAs, not the system
 * store: phones carry Cisco Manufacturing (MIC) or CAPF (LSC) certificates.
 */
export function loadPhoneTls(env: EnvConfig, root: string): TlsPolicy | undefined {
  const bundle = String(env.SERVER_CUCM_PHONE_CA_BUNDLE ?? '');
  if (!bundle) return undefined;
  return { product: 'cucm', verify: true, ca: readBundle(root, 'SERVER_CUCM_PHONE_CA_BUNDLE', bundle), keys: ['SERVER_CUCM_PHONE_WEB_PROTOCOL', 'SERVER_CUCM_PHONE_CA_BUNDLE'] };
}

export function loadTlsPolicies(env: EnvConfig, root: string): Record<CiscoProduct, TlsPolicy> {
  const out = {} as Record<CiscoProduct, TlsPolicy>;
  for (const product of ['cucm', 'imp', 'cuc'] as const) {
    const [vk, ck] = KEYS[product];
    const bundle = String(env[ck] ?? '');
    const ca = bundle ? readBundle(root, String(ck), bundle) : undefined;
    out[product] = { product, verify: env[vk] === true, ...(ca ? { ca } : {}) };
  }
  return out;
}
