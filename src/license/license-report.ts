/**
 * @module How a licence state is shown: the /status `license` object, `aibridge license show`
 * lines, the /metrics gauges and the SERVER audit fields. One shape, so every view agrees.
 */
import { daysUntil, graceEndOf, LICENSE_STATES } from './verify-license.ts';
import type { LicenseStatus } from './verify-license.ts';
import type { KeyKind } from './trust-anchor.ts';
import { TIERS } from './tiers.ts';

export interface LicenseReport {
  state: LicenseStatus['state'];
  tier: string | null;
  customer: string | null;
  products: string[];
  features: string[];
  expires_at: string | null;
  grace_ends_at: string | null;
  /** Whole days to `expires_at` (negative once past), null without a verified licence. */
  days_left: number | null;
  max_clients: number | null;
  bound_to_install: string | null;
  license_id: string | null;
  reason: string;
  action?: string;
  key: KeyKind;
  checked_at: string;
}

export function licenseReport(s: LicenseStatus, key: KeyKind): LicenseReport {
  const c = s.claims;
  return {
    state: s.state,
    tier: c?.tier ?? null,
    customer: c?.sub ?? null,
    products: [...(s.entitlements?.products ?? [])],
    features: [...(s.entitlements?.features ?? [])],
    expires_at: c ? new Date(c.exp * 1000).toISOString() : null,
    grace_ends_at: c ? new Date(graceEndOf(c) * 1000).toISOString() : null,
    days_left: c ? daysUntil(c.exp, s.checkedAt) : null,
    max_clients: c?.max_clients ?? null,
    bound_to_install: c?.install_id ?? null,
    license_id: c?.jti ?? null,
    reason: s.reason,
    ...(s.action ? { action: s.action } : {}),
    key,
    checked_at: new Date(s.checkedAt).toISOString(),
  };
}

/** Lines for `aibridge license show`. */
export function licenseLines(r: LicenseReport, installId: string): string[] {
  const tier = r.tier ? `${r.tier} (${TIERS[r.tier as keyof typeof TIERS]?.summary ?? '?'})` : '-';
  return [
    `state:       ${r.state}`,
    `customer:    ${r.customer ?? '-'}`,
    `tier:        ${tier}`,
    `products:    ${r.products.length ? r.products.join(', ') : 'none (only the introspection tools are offered)'}`,
    `features:    ${r.features.length ? r.features.join(', ') : '-'}`,
    `expires:     ${r.expires_at ?? '-'}${r.grace_ends_at && r.grace_ends_at !== r.expires_at ? ` (grace until ${r.grace_ends_at})` : ''}`,
    `days left:   ${r.days_left ?? '-'}`,
    `max clients: ${r.max_clients ?? 'unlimited'}`,
    `install id:  ${installId}${r.bound_to_install ? ' (the licence is bound to ' + (r.bound_to_install === installId ? 'this install)' : r.bound_to_install + ')') : ''}`,
    `licence id:  ${r.license_id ?? '-'}`,
    `reason:      ${r.reason}`,
    ...(r.action ? [`to do:       ${r.action}`] : []),
    ...(r.key === 'development' ? ['build:       development build (own development release key): accepts development licences only'] : []),
  ];
}

/** Samples of `aibridge_license_state` (1 for the current state, 0 for the others). */
export function stateSamples(state: LicenseStatus['state']): Array<{ labels: Record<string, string>; value: number }> {
  return LICENSE_STATES.map((s) => ({ labels: { state: s }, value: s === state ? 1 : 0 }));
}
