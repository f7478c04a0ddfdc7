/**
 * @module The decide-step extension point. A `ToolPolicy` sees every decision after RBAC allowed
 * it — for tools/list, aibridge_whoami, aibridge_check_access and the call itself — and may deny
 * it or answer it instead of running the tool (e.g. change control returning a change plan for a
 * write). Policies are pure and synchronous so that listing and calling always agree.
 */
import type { Principal } from '../../auth/principal.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import type { ToolDefinition, ToolTarget } from '../tool-definition.ts';

/** Why a decision is asked: listing (no target yet), a dry run, or a real call. */
export type DecidePurpose = 'list' | 'check' | 'call';

export interface DecideInput {
  principal: Principal;
  /** The caller's profile; undefined when its file is missing or invalid (RBAC then denies). */
  profile: Profile | undefined;
  tool: ToolDefinition;
  /** For 'list': the tool's static `requires`; otherwise derived from the validated arguments. */
  target: ToolTarget;
  /** Validated arguments ('check' and 'call' only). */
  args?: Readonly<Record<string, unknown>>;
  purpose: DecidePurpose;
  /**
   * Whether this call changes state on a Cisco system (from the tool's `effect`). For 'list' it
   * is whether the profile can make any write with the tool.
   */
  write: boolean;
  /** The RBAC rule that allowed it, e.g. `cucm.axl allowed_exact "addPhone"`. */
  rbacRule: string;
}

export type PolicyVerdict =
  /** No objection: the next policy decides, then the tool runs. */
  | { kind: 'allow' }
  /** Refuse: audited as denied, answered as an `isError` result with `code`. */
  | { kind: 'deny'; rule: string; reason: string; code?: ErrorCode; hint?: string }
  /**
   * Answer without running the tool (audited with result `answered`): `structured` becomes the
   * result's structuredContent, so it must fit the tool's outputSchema or carry only `error`-free
   * fields the schema allows. Listing treats it as allowed.
   */
  | { kind: 'answer'; rule: string; structured: Record<string, unknown>; text?: string };

export interface ToolPolicy {
  /** Short name, written to the audit record as the deciding rule's prefix. */
  readonly name: string;
  decide(input: DecideInput): PolicyVerdict;
}
