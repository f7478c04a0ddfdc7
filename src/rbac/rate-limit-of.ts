/** @module Which per-minute limit of a profile a call counts against (product + category). */
import type { Product, RateCategory } from './tool-target.ts';
import type { Profile } from './profile-schema.ts';

/**
 * Used when the profile has no section for the category: introspection tools, and calls RBAC
 * will deny anyway (denied attempts are rate-limited too, TESTING.md T-RB-07).
 */
export const FALLBACK_RATE_LIMIT = 30;

/** Requests per minute for `category` on `product` (the Common column is `common.report`). */
export function rateLimitOf(profile: Profile | undefined, product: Product, category: RateCategory): number {
  if (!profile) return FALLBACK_RATE_LIMIT;
  if (category === 'common') return profile.common?.report?.rate_limit ?? FALLBACK_RATE_LIMIT;
  if (product === 'common') return FALLBACK_RATE_LIMIT;
  if (category.startsWith('serviceability.')) {
    const api = category.slice('serviceability.'.length) as 'status';
    return product === 'cucm' ? profile.cucm?.serviceability?.[api]?.rate_limit ?? FALLBACK_RATE_LIMIT : FALLBACK_RATE_LIMIT;
  }
  const p = profile[product] as Record<string, { rate_limit: number } | undefined> | undefined;
  return p?.[category]?.rate_limit ?? FALLBACK_RATE_LIMIT;
}
