/**
 * @module The change state machine, as pure functions of a record and the time. Every transition
 * checks its preconditions and refuses with a named rule (audited as denied by the caller):
 *
 *   pending_approval ─approve→ approved ─apply→ outcome_unknown ─┬→ applied ─(its revert applied)→ reverted
 *          │                      │ (object changed: stale)       └→ failed
 *          └─reject→ rejected ←───┘
 *
 * outcome_unknown is written *before* the request is dispatched, so a crash between dispatch and
 * record leaves exactly that state, and show reconciles it against the node later. An approval is
 * single-use: once dispatched (or found stale) it is spent.
 */
import { AppError } from '../lib/errors.ts';
import type { ChangeRecord, Decider, Image } from './change-record.ts';
import { imageDigest, requestDigest } from './change-record.ts';

export type RefusalRule =
  | 'unknown_id' | 'not_yours' | 'not_pending' | 'not_approved' | 'already_used' | 'rejected' | 'expired'
  | 'self_approval' | 'four_eyes' | 'not_allowed' | 'digest_mismatch' | 'stale' | 'not_applied' | 'irreversible' | 'already_reverted';

/** A refused change operation; `rule` names why, for the agent and the audit log. */
export class ChangeRefused extends AppError {
  readonly rule: RefusalRule;
  readonly changeId: string | undefined;
  constructor(rule: RefusalRule, changeId: string | undefined, message: string, hint?: string) {
    super('E_FORBIDDEN', message, hint === undefined ? {} : { hint });
    this.name = 'ChangeRefused';
    this.rule = rule;
    this.changeId = changeId;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function isExpired(rec: ChangeRecord, now: number): boolean {
  return Date.parse(rec.expires_at) <= now;
}

/** The "used up" refusal for a change that already ran or was refused. */
function spent(rec: ChangeRecord): ChangeRefused {
  if (rec.status === 'rejected') return new ChangeRefused('rejected', rec.id, `Change ${rec.id} was rejected${rec.rejected_by ? ` by ${rec.rejected_by.who}` : ''}; it can never be applied`, 'plan the write again if it is still wanted');
  return new ChangeRefused('already_used', rec.id, `Change ${rec.id} is ${rec.status}: its approval was used once and cannot be used again`, 'plan the write again (call the write tool) if another change is wanted');
}

export function approve(rec: ChangeRecord, by: Decider, now: number, ttlMs: number): ChangeRecord {
  if (rec.status === 'approved') return refuse(new ChangeRefused('not_pending', rec.id, `Change ${rec.id} is already approved (by ${rec.approved_by?.who ?? 'someone'}); approving twice is refused`));
  if (rec.status !== 'pending_approval') return refuse(spent(rec));
  if (isExpired(rec, now)) return refuse(new ChangeRefused('expired', rec.id, `Change ${rec.id} expired at ${rec.expires_at} before anyone approved it`, 'plan the write again'));
  if (by.via === 'client' && by.who === rec.client) return refuse(new ChangeRefused('self_approval', rec.id, `Client "${by.who}" cannot approve its own change ${rec.id}`, 'another client with the approver profile, or an operator with "aibridge changes approve", must approve it'));
  if (rec.four_eyes && by.via === 'elicitation') return refuse(new ChangeRefused('four_eyes', rec.id, `Change ${rec.id} needs four eyes: it cannot be approved by the requesting person`, 'another client with the approver profile, or an operator with "aibridge changes approve", must approve it'));
  return { ...rec, status: 'approved', approved_by: by, approved_digest: rec.request_digest, expires_at: iso(now + ttlMs) };
}

/** Pending or approved (not yet applied) changes can be rejected; the requester may withdraw its own. */
export function reject(rec: ChangeRecord, by: Decider): ChangeRecord {
  if (rec.status !== 'pending_approval' && rec.status !== 'approved') return refuse(rec.status === 'rejected' ? new ChangeRefused('not_pending', rec.id, `Change ${rec.id} is already rejected`) : spent(rec));
  return { ...rec, status: 'rejected', rejected_by: by, finished_at: by.at };
}

/** Check that `client` may apply `rec` now; throws the first reason it may not. */
export function checkApplicable(rec: ChangeRecord, client: string, now: number): void {
  if (rec.client !== client) throw new ChangeRefused('not_yours', rec.id, `Change ${rec.id} belongs to another client; only the client that planned it may apply it`);
  if (rec.status === 'pending_approval') throw new ChangeRefused('not_approved', rec.id, `Change ${rec.id} is not approved yet`, 'ask a person to approve it (aibridge changes approve, or a client with the approver profile), then apply again');
  if (rec.status !== 'approved') throw spent(rec);
  if (isExpired(rec, now)) throw new ChangeRefused('expired', rec.id, `The approval of change ${rec.id} expired at ${rec.expires_at}`, 'plan the write again');
  const digest = requestDigest(rec.tool, rec.request);
  if (rec.approved_digest !== rec.request_digest || digest !== rec.request_digest) {
    throw new ChangeRefused('digest_mismatch', rec.id, `Change ${rec.id}: the stored request does not match the one that was approved (digest check failed); nothing was sent`, 'plan the write again and have it approved');
  }
}

/** The object changed since the plan: the approval is spent, nothing is sent. */
export function markStale(rec: ChangeRecord, current: Image | undefined, now: number): ChangeRecord {
  return { ...rec, status: 'stale', reason: 'the object changed on the node after the plan was made; nothing was sent', after: current, after_digest: imageDigest(current), finished_at: iso(now) };
}

/** Written durably *before* the request goes out. */
export function dispatch(rec: ChangeRecord, client: string, now: number, pid: number): ChangeRecord {
  checkApplicable(rec, client, now);
  return { ...rec, status: 'outcome_unknown', reason: 'dispatched; no answer recorded yet', dispatched_at: iso(now), dispatched_pid: pid };
}

export function finish(rec: ChangeRecord, outcome: { ok: true; after: Image | undefined; result?: unknown } | { ok: false; reason: string; after?: Image }, now: number): ChangeRecord {
  if (rec.status !== 'outcome_unknown') throw new ChangeRefused('not_approved', rec.id, `Change ${rec.id} is ${rec.status}, not being applied`);
  const { reason: _drop, ...base } = rec;
  if (outcome.ok) return { ...base, status: 'applied', after: outcome.after, after_digest: imageDigest(outcome.after), ...(outcome.result !== undefined ? { result: outcome.result } : {}), finished_at: iso(now) };
  return { ...base, status: 'failed', reason: outcome.reason, ...(outcome.after ? { after: outcome.after, after_digest: imageDigest(outcome.after) } : {}), finished_at: iso(now) };
}

/** The original of an applied revert. */
export function markReverted(rec: ChangeRecord, revertId: string, now: number): ChangeRecord {
  if (rec.status !== 'applied') throw new ChangeRefused('not_applied', rec.id, `Change ${rec.id} is ${rec.status}, so it cannot be marked reverted`);
  return { ...rec, status: 'reverted', reverted_by: revertId, finished_at: iso(now) };
}

/** May a revert of `rec` be planned? */
export function checkRevertible(rec: ChangeRecord, client: string): void {
  if (rec.client !== client) throw new ChangeRefused('not_yours', rec.id, `Change ${rec.id} belongs to another client; only the client that made it may revert it`);
  if (rec.status === 'reverted') throw new ChangeRefused('already_reverted', rec.id, `Change ${rec.id} was already reverted by ${rec.reverted_by}`);
  if (rec.status !== 'applied') throw new ChangeRefused('not_applied', rec.id, `Change ${rec.id} is ${rec.status}; only an applied change can be reverted`);
  if (!rec.reversible) throw new ChangeRefused('irreversible', rec.id, `Change ${rec.id} is not reversible: ${rec.irreversible_reason ?? 'no before-image was kept'}`);
}

// `return refuse(x)` keeps each refusal a one-liner in the transitions above.
function refuse(err: ChangeRefused): never {
  throw err;
}
