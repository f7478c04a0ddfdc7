/**
 * @module The licence as the tool pipeline's two extension points (mcp/pipeline):
 * - a tool gate: a tool whose product or feature the licence does not cover does not exist (not
 *   listed, a call is an unknown tool naming the licence); EXPIRED and INVALID leave only the
 *   introspection tools. The gate is re-read on every listing and call, so a licence change takes
 *   effect at once; the MCP layer calls `ToolSet.changed()` on every watchdog change so sessions
 *   get notifications/tools/list_changed.
 * - a decide-step policy: a call whose target addresses an unlicensed product (an AXL describe of
 *   an IM&P node on a CUCM-only licence) is denied with rule `license: product_not_licensed`.
 * Both are structural (no import of the pipeline) so the licence layer stays below the MCP layer.
 */
import type { LicenseGate } from './license-gate.ts';
import { licenseOffers, licenseRefusal } from './license-gate.ts';
import type { LicensableTool } from './tiers.ts';

/** Shape of mcp/pipeline ToolGate. */
export interface LicenseToolGate {
  readonly name: string;
  allows(tool: LicensableTool): boolean;
}

/** Shape of the mcp/pipeline ToolPolicy verdicts this policy gives. */
export type LicenseVerdict = { kind: 'allow' } | { kind: 'deny'; rule: string; reason: string; code: 'E_FORBIDDEN'; hint: string };

export interface LicensePolicy {
  readonly name: string;
  decide(input: { tool: LicensableTool & { name: string }; target: { product?: string } }): LicenseVerdict;
}

const HINT = 'call aibridge_whoami for the licence state; an operator installs a licence with "aibridge license install FILE" (no restart needed)';

/** The gate's name is read when it hides a tool, so it says why in the current state. */
export function licenseToolGate(gate: LicenseGate): LicenseToolGate {
  return {
    get name(): string {
      const s = gate.status;
      const e = gate.entitlements();
      return e
        ? `the ${e.tier} licence covers ${e.products.join(', ')}${e.features.length ? ` with ${e.features.join(', ')}` : ''}, not this tool; ask an operator for a licence that includes it`
        : `the licence is ${s.state}: ${s.reason}; only aibridge_whoami and aibridge_check_access work until an operator installs a licence`;
    },
    allows: (tool) => licenseOffers(gate, tool),
  };
}

export function licensePolicy(gate: LicenseGate): LicensePolicy {
  return {
    name: 'license',
    decide({ tool, target }) {
      const reason = licenseRefusal(gate, tool, target.product);
      return reason ? { kind: 'deny', rule: 'product_not_licensed', reason, code: 'E_FORBIDDEN', hint: HINT } : { kind: 'allow' };
    },
  };
}
