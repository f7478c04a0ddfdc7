/**
 * @module The RBAC decision: pure function of a profile, a tool and what the call actually asks
 * for. A denial names the rule that refused it, so an agent (and an auditor) can see why.
 */
import type { Product, Protocol, ToolTarget } from './tool-target.ts';
import type { Profile, ProfileProduct } from './profile-schema.ts';
import { matchAxl, matchCupi, matchList, matchSsh } from './match-rules.ts';

/** What RBAC needs to know about a tool. */
export interface RbacTool {
  name: string;
  product: Product;
  protocol: Protocol;
  /** Introspection tools (aibridge_*) are open to every profile. */
  introspection?: boolean;
}

export type Decision =
  | { allowed: true; rule: string }
  | { allowed: false; rule: string; reason: string };

/** Which profile section governs a product + protocol (undefined: no such combination). */
const SECTIONS: Record<ProfileProduct, readonly Protocol[]> = {
  cucm: ['axl', 'ris', 'ssh', 'phone', 'serviceability'], imp: ['axl', 'ssh'], cuc: ['cupi', 'ssh'],
};

function deny(rule: string, reason: string): Decision {
  return { allowed: false, rule, reason };
}

function inScope(profile: Profile, product: ProfileProduct): boolean {
  return profile.product_scope.includes('all') || profile.product_scope.includes(product);
}

/** The profile section for a product and protocol, if the profile has one. */
export function sectionOf(profile: Profile, product: ProfileProduct, protocol: Protocol): Record<string, unknown> | undefined {
  if (!SECTIONS[product].includes(protocol)) return undefined;
  const p = profile[product] as Record<string, Record<string, unknown> | undefined> | undefined;
  return p?.[protocol];
}

function decideReport(profile: Profile, product: Product): Decision {
  if (product !== 'common' && !inScope(profile, product)) return deny('product_scope', `product "${product}" is not in the profile's product_scope`);
  if (!profile.common?.report) return deny('common.report', 'the profile has no common.report section');
  return { allowed: true, rule: 'common.report' };
}

/**
 * Decide one call. `target` comes from the tool's validated arguments; fields it leaves out mean
 * "nothing specific". For 'list' that is enough when the profile allows some value (a RIS filter
 * list that is not empty); for 'call' a RIS call must name its classes and statuses.
 * Callers outside rbac use mcp/pipeline/decide-tool.ts, which adds the policy hooks.
 */
export function decide(profile: Profile, tool: RbacTool, target: ToolTarget, purpose: 'list' | 'call' = 'call'): Decision {
  if (tool.introspection) return { allowed: true, rule: 'introspection' };
  const product = target.product ?? tool.product;
  if (tool.protocol === 'report') return decideReport(profile, product);
  if (product === 'common') return deny('product', `tool "${tool.name}" names no Cisco product`);
  if (!inScope(profile, product)) return deny('product_scope', `product "${product}" is not in the profile's product_scope`);
  const where = `${product}.${tool.protocol}`;
  const section = sectionOf(profile, product, tool.protocol);
  if (!section) return deny(where, `the profile has no ${where} section, so ${tool.protocol.toUpperCase()} on ${product} is denied`);
  switch (tool.protocol) {
    case 'axl': {
      if (target.axlOperation === undefined) return { allowed: true, rule: where };
      const s = section as { allowed_prefixes?: string[]; allowed_exact?: string[] };
      const rule = matchAxl(target.axlOperation, s.allowed_prefixes, s.allowed_exact);
      return rule ? { allowed: true, rule: `${where} ${rule}` } : deny(`${where}.allowed_prefixes/allowed_exact`, `AXL operation "${target.axlOperation}" matches no allowed prefix or exact name`);
    }
    case 'ssh': {
      const s = section as { allowed_prefixes: string[] };
      if (target.sshCommand === undefined) return s.allowed_prefixes.length ? { allowed: true, rule: where } : deny(`${where}.allowed_prefixes`, 'no SSH command is allowed');
      // `help <command>` only prints syntax: a harmless read for anyone who may run any command.
      if (/^help(?: |$)/i.test(target.sshCommand) && s.allowed_prefixes.length) return { allowed: true, rule: `${where} help` };
      const p = matchSsh(target.sshCommand, s.allowed_prefixes);
      return p ? { allowed: true, rule: `${where}.allowed_prefixes "${p}"` } : deny(`${where}.allowed_prefixes`, `command "${target.sshCommand.slice(0, 120)}" does not start with an allowed command prefix`);
    }
    case 'ris': {
      const s = section as { allowed_device_classes?: string[]; allowed_statuses?: string[] };
      if (purpose === 'list') {
        if (s.allowed_device_classes?.length === 0) return deny(`${where}.allowed_device_classes`, 'no device class is allowed');
        if (s.allowed_statuses?.length === 0) return deny(`${where}.allowed_statuses`, 'no status is allowed');
        if (target.risDeviceClasses === undefined && target.risStatuses === undefined) return { allowed: true, rule: where };
      }
      if (!matchList(target.risDeviceClasses, s.allowed_device_classes)) return deny(`${where}.allowed_device_classes`, `device class ${JSON.stringify(target.risDeviceClasses ?? ['Any'])} is not allowed (allowed: ${s.allowed_device_classes?.join(', ')})`);
      if (!matchList(target.risStatuses, s.allowed_statuses)) return deny(`${where}.allowed_statuses`, `status ${JSON.stringify(target.risStatuses ?? ['Any'])} is not allowed (allowed: ${s.allowed_statuses?.join(', ')})`);
      return { allowed: true, rule: where };
    }
    case 'phone': {
      const s = section as { allowed_actions?: string[] };
      if (target.phoneAction === undefined) return { allowed: true, rule: where };
      return (s.allowed_actions ?? []).includes(target.phoneAction) ? { allowed: true, rule: `${where}.allowed_actions "${target.phoneAction}"` } : deny(`${where}.allowed_actions`, `phone action "${target.phoneAction}" is not allowed`);
    }
    case 'cupi': {
      const s = section as { allowed_prefixes: string[] };
      if (target.cupiRequest === undefined) return s.allowed_prefixes.length ? { allowed: true, rule: where } : deny(`${where}.allowed_prefixes`, 'no CUPI request is allowed');
      const p = matchCupi(target.cupiRequest, s.allowed_prefixes);
      return p ? { allowed: true, rule: `${where}.allowed_prefixes "${p}"` } : deny(`${where}.allowed_prefixes`, `CUPI request "${target.cupiRequest.slice(0, 200)}" matches no allowed "METHOD /path" prefix`);
    }
    case 'serviceability':
      return decideServiceability(section, where, target);
    default:
      return deny('protocol', `protocol "${tool.protocol}" is not governed by profiles`);
  }
}

/**
 * Serviceability: the API's own subsection must exist (`cucm.serviceability.logs` …). Control
 * Center writes are narrowed further: every named service must be in allowed_services and the
 * action in allowed_actions (case-insensitive names; absent lists allow all).
 */
function decideServiceability(section: Record<string, unknown>, where: string, target: ToolTarget): Decision {
  const api = target.serviceabilityApi;
  // eslint-disable-next-line security/detect-possible-timing-attacks -- false positive: neither side is a secret (a public name or undefined)
  if (api === undefined) return deny(where, 'the call names no serviceability API');
  const sub = section[api] as { allowed_services?: string[]; allowed_actions?: string[] } | undefined;
  const rule = `${where}.${api}`;
  if (!sub) return deny(rule, `the profile has no ${rule} section, so this serviceability API is denied`);
  // eslint-disable-next-line security/detect-possible-timing-attacks -- false positive: neither side is a secret (a public name or undefined)
  if (api !== 'control') return { allowed: true, rule };
  if (target.serviceAction !== undefined && sub.allowed_actions && !sub.allowed_actions.includes(target.serviceAction)) {
    return deny(`${rule}.allowed_actions`, `action "${target.serviceAction}" is not allowed (allowed: ${sub.allowed_actions.join(', ') || 'none'})`);
  }
  if (target.services !== undefined && sub.allowed_services) {
    const ok = new Set(sub.allowed_services.map((x) => x.toLowerCase()));
    const bad = target.services.filter((x) => !ok.has(x.toLowerCase()));
    if (bad.length > 0) return deny(`${rule}.allowed_services`, `service ${JSON.stringify(bad.slice(0, 5))} may not be controlled by this profile (allowed: ${sub.allowed_services.join(', ')})`);
  }
  return { allowed: true, rule };
}
