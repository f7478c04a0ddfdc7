/**
 * @module The change-control tools: aibridge_changes_list, aibridge_change_show, _approve, _reject
 * (another client: four eyes), _apply (the requester, once approved) and _revert. They count
 * against common.report like the other aibridge_* tools; who may approve is the profile's
 * `changes.approve_others` (the shipped approver profile), checked in change-control.ts.
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolAnnotations, ToolContext, ToolDefinition } from '../tool-definition.ts';
import { defineTool } from '../tools/tool-result.ts';
import { CHANGE_STATUSES } from '../../changes/change-record.ts';
import type { ChangeControl } from './change-control.ts';

/** A change as structuredContent.change (change-control.ts changeView); extra fields allowed. */
export const CHANGE_OUTPUT = z.looseObject({
  id: z.string(), status: z.enum(CHANGE_STATUSES), client: z.string(), tool: z.string(), node: z.string().optional(), operation: z.string().optional(),
  object: z.string(), request: z.unknown(), before: z.unknown().optional(), diff: z.array(z.looseObject({ field: z.string() })), reversible: z.boolean(),
  expires_at: z.string(), approve_with: z.array(z.string()),
});
const ONE = { change: CHANGE_OUTPUT };
const ID = z.string().min(1).max(100).describe('Change id, e.g. chg_0123456789abcdef0123456789abcdef');
const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const DECIDE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const WRITE = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

export function createChangeTools(cc: ChangeControl): ToolDefinition[] {
  // effect 'read': these tools change no Cisco system themselves (apply runs the approved tool call).
  const common = { product: 'common' as const, protocol: 'report' as const, rateCategory: 'common' as const, effect: 'read' as const, target: () => ({}) };
  /** A tool that takes one change id and answers `{ change }`. */
  const byId = (name: string, title: string, annotations: ToolAnnotations, description: string, run: (id: string, ctx: ToolContext) => CallToolResult | Promise<CallToolResult>): ToolDefinition =>
    defineTool({ ...common, name, title, annotations, outputSchema: ONE, inputSchema: { id: ID }, description, handler: async (a, ctx) => run(a.id, ctx) });
  return [
    defineTool({
      ...common, name: 'aibridge_changes_list', title: 'List changes', annotations: READ, outputSchema: { changes: z.array(z.looseObject({ id: z.string(), status: z.enum(CHANGE_STATUSES), client: z.string() })) },
      inputSchema: { status: z.enum(CHANGE_STATUSES).optional().describe('Only changes in this state') },
      description: 'List your change plans (every write you ask for becomes one) with their state: pending_approval, approved, applied, rejected, stale, failed, outcome_unknown, reverted. A profile that may approve (approver) also sees every other client\'s pending changes. Newest first, at most 200.',
      handler: async (a, ctx) => cc.list(ctx.principal, a.status),
    }),
    byId('aibridge_change_show', 'Show a change', READ,
      'Show one change: what it does field by field (before -> after), the before-image read from the node, its state, who approved it, and the after-image once applied. A change left outcome_unknown (the connection dropped after it was sent) is reconciled against the node here.',
      (id, ctx) => cc.show(id, ctx)),
    byId('aibridge_change_approve', 'Approve another client\'s change', DECIDE,
      'Approve a pending change of ANOTHER client (four eyes). Only profiles allowed to approve (the approver profile) may; nobody can approve their own change. The requester then applies it with aibridge_change_apply before the approval expires.',
      (id, ctx) => cc.decideByClient(ctx.principal, id, 'approve')),
    defineTool({
      ...common, name: 'aibridge_change_reject', title: 'Reject a change', annotations: DECIDE, outputSchema: ONE,
      inputSchema: { id: ID, reason: z.string().max(300).optional().describe('Why (kept in the audit log)') },
      description: 'Reject a pending or approved change so it can never be applied: another client\'s (approver profile) or your own (withdraw it).',
      handler: async (a, ctx) => cc.decideByClient(ctx.principal, a.id, 'reject', a.reason),
    }),
    byId('aibridge_change_apply', 'Apply an approved change', WRITE,
      'Apply your approved change exactly as it was approved (digest-checked), once. Refused when it is not approved, expired, already used, or when the object changed on the node since the plan (stale). Reads the object back and reports whether the change took effect.',
      (id, ctx) => cc.apply(id, ctx)),
    byId('aibridge_change_revert', 'Undo an applied change', DECIDE,
      'Plan the undo of one of your applied changes: a new change that restores the before-image (update back, remove what was added, re-add what was removed). It is approved and applied like any other change. Refused for irreversible changes and when the object changed since the change was applied.',
      (id, ctx) => cc.revert(id, ctx)),
  ];
}
