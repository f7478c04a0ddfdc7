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

export function loadTlsPolicies(env: EnvConfig, root: string): Record<CiscoProduct, TlsPolicy> {
  const out = {} as Record<CiscoProduct, TlsPolicy>;
  for (const product of ['cucm', 'imp', 'cuc'] as const) {
    const [vk, ck] = KEYS[product];
    const bundle = String(env[ck] ?? '');
    let ca: string | undefined;
    if (bundle) {
      const path = resolveInstallPath(root, bundle);
      try { ca = readFileSync(path, 'utf8'); } catch (err) {
        throw new AppError('E_CONFIG_INVALID', `.env: ${ck} points at "${path}", which cannot be read`, { hint: 'give the path of a PEM CA bundle (relative paths start at the install folder)', cause: err });
      }
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('E_CONFIG_INVALID', `.env: ${ck} file "${path}" holds no PEM certificate`, { hint: 'export the product\'s tomcat CA or certificate chain as PEM' });
    }
    out[product] = { product, verify: env[vk] === true, ...(ca ? { ca } : {}) };
  }
  return out;
}
