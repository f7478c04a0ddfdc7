/**
 * @module What the tool-call path asks the licence: which tools exist now (tools/list), whether a
 * call may run (a tool whose product or feature the licence does not cover is refused, also when
 * its target addresses another product, e.g. an AXL describe of an IM&P node on a CUCM licence),
 * and how an introspection answer explains the licence to an agent.
 */
import { entitles, isFeature, PRODUCT_NAMES } from './tiers.ts';
import type { Entitlements, LicensableTool, LicensedProduct } from './tiers.ts';
import type { LicenseStatus } from './verify-license.ts';
import { daysUntil } from './verify-license.ts';

/** The live licence as the tool-call path sees it (the watchdog implements it). */
export interface LicenseGate {
  readonly status: LicenseStatus;
  entitlements(): Entitlements | undefined;
  onChange(fn: (next: LicenseStatus, previous: LicenseStatus) => void): void;
}

const OPERATOR = 'ask an operator to install a licence ("aibridge license install FILE"; no restart needed)';

/** Why a call of `tool` (addressing `targetProduct`) is refused by the licence, or undefined if it may run. */
export function licenseRefusal(gate: LicenseGate | undefined, tool: LicensableTool & { name: string }, targetProduct?: string): string | undefined {
  if (!gate || tool.introspection) return undefined;
  const s = gate.status;
  const e = gate.entitlements();
  if (!e) return `"${tool.name}" is not available: the licence is ${s.state} (${s.reason}); only the introspection tools (aibridge_whoami, aibridge_check_access) work until ${OPERATOR}`;
  for (const product of [tool.product, targetProduct]) {
    if (product && !entitles(e, { product })) {
      const name = PRODUCT_NAMES[product as LicensedProduct] ?? product;
      return `"${tool.name}" is not available: the ${e.tier} licence covers ${e.products.join(', ')}, not ${product} (${name}); ${OPERATOR} that includes it`;
    }
  }
  if (isFeature(tool.feature) && !e.features.includes(tool.feature)) {
    return `"${tool.name}" is not available: the ${e.tier} licence does not include the ${tool.feature} feature; ${OPERATOR} that includes it`;
  }
  return undefined;
}

/** Whether tools/list offers the tool now. */
export function licenseOffers(gate: LicenseGate | undefined, tool: LicensableTool): boolean {
  return !gate || entitles(gate.entitlements(), tool);
}

/** The `license` section of aibridge_whoami: state, what it unlocks, and what to do. */
export function licenseForAgent(gate: LicenseGate | undefined, now = Date.now()): Record<string, unknown> | undefined {
  if (!gate) return undefined;
  const s = gate.status;
  const e = gate.entitlements();
  const c = s.claims;
  return {
    state: s.state,
    explanation: s.reason,
    ...(c ? { customer: c.sub, tier: c.tier, expires_at: new Date(c.exp * 1000).toISOString(), days_left: daysUntil(c.exp, now) } : {}),
    products: [...(e?.products ?? [])],
    features: [...(e?.features ?? [])],
    ...(e ? {} : { effect: 'no product tools are loaded: only aibridge_whoami and aibridge_check_access are offered', what_to_do: s.action ?? OPERATOR }),
    ...(s.state === 'GRACE' ? { what_to_do: s.action } : {}),
  };
}
