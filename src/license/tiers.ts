/**
 * @module The licence tiers: which products and features each tier unlocks. This table is the one
 * place a licensed capability is named. A later feature (serviceability tools, reports, scale-out)
 * adds its name to FEATURES and to the tiers that include it, and marks its tools with `feature`;
 * nothing else in the licence code changes. Today: `reports` marks report_* and *_health_check
 * (mcp/tools/report-tools.ts, health-tools.ts); `serviceability` marks the Control Center, DIME
 * log, PerfMon and CDR tools (mcp/tools/{service,log,perfmon,cdr}-tools.ts); `scale-out` is for
 * STATE_BACKEND=valkey (license/scale-out.ts: serve refuses to start without it).
 */

/** Cisco products a licence can cover (the product modules of start-up step 9). */
export const LICENSED_PRODUCTS = ['cucm', 'imp', 'cuc'] as const;
export type LicensedProduct = typeof LICENSED_PRODUCTS[number];

/**
 * Features beyond the base product tools. Unknown feature names in a licence are ignored (they
 * name features of a newer release), so adding one here never invalidates licences in the field.
 */
export const FEATURES = ['serviceability', 'reports', 'scale-out'] as const;
export type Feature = typeof FEATURES[number];

export const TIER_NAMES = ['essentials', 'professional', 'enterprise'] as const;
export type TierName = typeof TIER_NAMES[number];

export interface Tier {
  products: readonly LicensedProduct[];
  features: readonly Feature[];
  summary: string;
}

export const TIERS: Readonly<Record<TierName, Tier>> = {
  essentials: { products: ['cucm'], features: [], summary: 'CUCM' },
  professional: { products: ['cucm', 'imp'], features: [], summary: 'CUCM + IM&Presence' },
  enterprise: {
    products: ['cucm', 'imp', 'cuc'], features: ['serviceability', 'reports', 'scale-out'],
    summary: 'CUCM + IM&Presence + Unity Connection, serviceability, reports, scale-out',
  },
};

export const PRODUCT_NAMES: Readonly<Record<LicensedProduct, string>> = {
  cucm: 'Unified CM', imp: 'IM and Presence', cuc: 'Unity Connection',
};

/** What a verified licence unlocks. */
export interface Entitlements {
  tier: TierName;
  products: readonly LicensedProduct[];
  features: readonly Feature[];
}

export function isTierName(v: unknown): v is TierName {
  return typeof v === 'string' && (TIER_NAMES as readonly string[]).includes(v);
}

export function isLicensedProduct(v: unknown): v is LicensedProduct {
  return typeof v === 'string' && (LICENSED_PRODUCTS as readonly string[]).includes(v);
}

export function isFeature(v: unknown): v is Feature {
  return typeof v === 'string' && (FEATURES as readonly string[]).includes(v);
}

/**
 * The entitlements of a tier narrowed by the licence's own lists: a licence never unlocks a product
 * or feature its tier lacks, whatever it names. `products` undefined means the whole tier.
 */
export function entitlementsOf(tier: TierName, products?: readonly string[], features?: readonly string[]): Entitlements {
  const t = TIERS[tier];
  return {
    tier,
    products: t.products.filter((p) => products === undefined || products.includes(p)),
    features: t.features.filter((f) => features === undefined || features.includes(f)),
  };
}

/**
 * What a tool needs from the licence: its product (common = any VALID or GRACE licence) and, when
 * its `feature` names one of FEATURES, that feature (other feature strings require nothing more).
 */
export interface LicensableTool {
  product: string;
  feature?: string;
  /** Introspection tools are always offered: they explain the licence state. */
  introspection?: boolean;
}

/** Whether the entitlements (undefined = EXPIRED/INVALID: nothing) include a feature. */
export function hasFeature(e: Entitlements | undefined, feature: Feature): boolean {
  return e?.features.includes(feature) ?? false;
}

/** Whether the entitlements (undefined = EXPIRED/INVALID: nothing) cover the tool. */
export function entitles(e: Entitlements | undefined, tool: LicensableTool): boolean {
  if (tool.introspection) return true;
  if (!e) return false;
  if (tool.product !== 'common' && !(e.products as readonly string[]).includes(tool.product)) return false;
  return !isFeature(tool.feature) || e.features.includes(tool.feature);
}
