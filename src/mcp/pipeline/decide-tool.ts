/**
 * @module The one decision: may this principal use this tool (listing, aibridge_whoami), and may
 * it make this call (aibridge_check_access, tools/call)? RBAC first (rbac/decide.ts), then every
 * `ToolPolicy` in order. Listing, check_access, whoami and the call all come here, so they agree.
 */
import type { Principal } from '../../auth/principal.ts';
import type { Profile, ProfileProduct } from '../../rbac/profile-schema.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import type { ToolDefinition, ToolTarget } from '../tool-definition.ts';
import type { DecidePurpose, ToolPolicy } from './tool-policy.ts';
import { decide } from '../../rbac/decide.ts';
import { isWriteTarget, profileMayWrite } from '../../rbac/write-classes.ts';

export type ToolDecision =
  | { allowed: true; rule: string; write: boolean; answer?: { rule: string; structured: Record<string, unknown>; text?: string } }
  | { allowed: false; rule: string; reason: string; code: ErrorCode; hint?: string; write: boolean };

export interface DecisionRequest {
  principal: Principal;
  profile: Profile | undefined;
  tool: ToolDefinition;
  /** Omitted for 'list' (the tool's static `requires` is used). */
  target?: ToolTarget;
  args?: Readonly<Record<string, unknown>>;
  purpose: DecidePurpose;
}

/** Whether a call writes; for listing, whether the profile can make any write with the tool. */
export function writesOf(tool: ToolDefinition, profile: Profile | undefined, target: ToolTarget | undefined): boolean {
  if (tool.effect === 'read') return false;
  if (tool.effect === 'write') return true;
  if (target) return isWriteTarget(tool.protocol, target);
  const product = tool.product === 'common' ? undefined : (tool.product as ProfileProduct);
  return profile !== undefined && product !== undefined && profileMayWrite(profile, product, tool.protocol);
}

export function decideTool(r: DecisionRequest, policies: readonly ToolPolicy[]): ToolDecision {
  const { tool, profile } = r;
  if (tool.introspection) return { allowed: true, rule: 'introspection', write: false };
  const target: ToolTarget = r.purpose === 'list' ? { ...(tool.requires ?? {}) } : (r.target ?? {});
  const write = writesOf(tool, profile, r.purpose === 'list' ? undefined : target);
  if (!profile) {
    return { allowed: false, rule: 'profile', reason: `profile "${r.principal.profile}" is not loaded (missing or invalid file in profiles/)`, code: 'E_FORBIDDEN', hint: 'ask an operator to fix the profile file', write };
  }
  const rbac = decide(profile, tool, target, r.purpose === 'list' ? 'list' : 'call');
  if (!rbac.allowed) return { allowed: false, rule: rbac.rule, reason: rbac.reason, code: 'E_FORBIDDEN', write };
  for (const p of policies) {
    const v = p.decide({ principal: r.principal, profile, tool, target, ...(r.args ? { args: r.args } : {}), purpose: r.purpose, write, rbacRule: rbac.rule });
    if (v.kind === 'deny') return { allowed: false, rule: `${p.name}: ${v.rule}`, reason: v.reason, code: v.code ?? 'E_FORBIDDEN', ...(v.hint ? { hint: v.hint } : {}), write };
    if (v.kind === 'answer') return { allowed: true, rule: rbac.rule, write, answer: { rule: `${p.name}: ${v.rule}`, structured: v.structured, ...(v.text ? { text: v.text } : {}) } };
  }
  return { allowed: true, rule: rbac.rule, write };
}
