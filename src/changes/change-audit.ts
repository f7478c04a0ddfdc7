/**
 * @module CHANGE audit records: who planned, approved, rejected, applied, reverted (or was refused)
 * what, where, with SHA-256 digests of the request and of the before- and after-images, never the
 * images themselves. Appends are synchronous and fail closed: a transition whose record cannot be
 * written is not stored (the caller throws before writing the change file).
 */
import type { ChangeRecord } from './change-record.ts';

export interface ChangeAuditSink { append(category: 'CHANGE', event: string, fields: Record<string, unknown>): unknown }

export type ChangeEvent = 'planned' | 'approved' | 'rejected' | 'dispatched' | 'applied' | 'stale' | 'failed' | 'outcome_unknown' | 'reconciled' | 'reverted' | 'exempt' | 'denied';

export function changeAuditFields(rec: ChangeRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    change_id: rec.id, status: rec.status, client: rec.client, profile: rec.profile, tool: rec.tool, node: rec.node, operation: rec.operation,
    ...(rec.approved_by ? { approver: `${rec.approved_by.via}:${rec.approved_by.who}` } : {}),
    ...(rec.rejected_by ? { rejected_by: `${rec.rejected_by.via}:${rec.rejected_by.who}` } : {}),
    request_sha256: rec.request_digest,
    ...(rec.before_digest ? { before_sha256: rec.before_digest } : {}),
    ...(rec.after_digest ? { after_sha256: rec.after_digest } : {}),
    ...(rec.reverts ? { reverts: rec.reverts } : {}),
    ...(rec.reason ? { reason: rec.reason.slice(0, 300) } : {}),
    ...extra,
  };
}

export function auditChange(sink: ChangeAuditSink, event: ChangeEvent, rec: ChangeRecord, extra: Record<string, unknown> = {}): void {
  sink.append('CHANGE', `change_${event}`, changeAuditFields(rec, { result: event === 'denied' ? 'denied' : 'ok', ...extra }));
}
