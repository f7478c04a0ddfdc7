/**
 * @module Approve or reject one change, shared by the MCP tools (another client, the person in the
 * client) and `aibridge changes approve|reject` on the appliance: the transition and its CHANGE
 * record happen under the change's lock; a refusal is audited as denied and rethrown.
 */
import type { ChangeStore } from './change-store.ts';
import type { ChangeRecord, Decider } from './change-record.ts';
import { ChangeRefused, approve, reject } from './change-machine.ts';
import type { ChangeAuditSink } from './change-audit.ts';
import { auditChange } from './change-audit.ts';

export interface DecideDeps { store: ChangeStore; audit: ChangeAuditSink; ttlMs: number; now: number }

export function decideChange(d: DecideDeps, id: string, verdict: 'approve' | 'reject', by: Decider, note?: string): ChangeRecord {
  try {
    return d.store.update(id, (rec) => {
      const next = verdict === 'approve' ? approve(rec, by, d.now, d.ttlMs) : reject(rec, by);
      auditChange(d.audit, verdict === 'approve' ? 'approved' : 'rejected', next, note ? { note: note.slice(0, 300) } : {});
      return next;
    });
  } catch (err) {
    if (err instanceof ChangeRefused) auditDenied(d.audit, d.store, id, err, `${by.via}:${by.who}`, verdict);
    throw err;
  }
}

/** A refused change operation, audited with the change's fields when the id names one. */
export function auditDenied(audit: ChangeAuditSink, store: ChangeStore, id: string, err: ChangeRefused, actor: string, action: string): void {
  let rec: ChangeRecord | undefined;
  try { rec = store.get(id); } catch { rec = undefined; }
  const extra = { actor, action, rule: err.rule, reason: err.message.slice(0, 300) };
  if (rec) auditChange(audit, 'denied', rec, extra);
  else audit.append('CHANGE', 'change_denied', { change_id: id.slice(0, 64), result: 'denied', ...extra });
}
