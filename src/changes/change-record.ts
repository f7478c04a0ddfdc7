/**
 * @module A change: one write an agent asked for, held as a plan until a person approves it, then
 * applied once, verified and (when reversible) undoable. Pure data plus the digests that bind an
 * approval to the exact request that will run.
 */
import { createHash, randomBytes } from 'node:crypto';

export const CHANGE_STATUSES = ['pending_approval', 'approved', 'rejected', 'applied', 'stale', 'failed', 'outcome_unknown', 'reverted'] as const;
export type ChangeStatus = typeof CHANGE_STATUSES[number];

/** The current state of what a change touches, as read from the node before (or after) it runs. */
export interface Image {
  /** False for an object that does not exist (yet, or any more). */
  exists: boolean;
  /** The object (AXL get* answer, SELECT rows, CUPI GET body); absent when not readable. */
  data?: unknown;
}

export interface FieldDiff { field: string; before: unknown; after: unknown }

/** Who approved or rejected: another client (four eyes), the person in the client, or the appliance CLI. */
export interface Decider { via: 'client' | 'elicitation' | 'appliance'; who: string; at: string }

export interface ChangeRecord {
  id: string;
  status: ChangeStatus;
  client: string;
  profile: string;
  tool: string;
  node: string | undefined;
  operation: string | undefined;
  /** The validated tool arguments that will run, byte-for-byte (see requestDigest). */
  request: Record<string, unknown>;
  request_digest: string;
  /** What the change will do, one line (built from structured data only). */
  summary: string;
  /** The object the change addresses, e.g. `Phone "SEP…"` (for the approval text). */
  object: string;
  before: Image | undefined;
  before_digest: string | undefined;
  diff: FieldDiff[];
  reversible: boolean;
  /** Why not reversible (shown in the plan and the approval text). */
  irreversible_reason?: string;
  four_eyes: boolean;
  created_at: string;
  /** Until then the plan may be approved; after approval, until then it may be applied. */
  expires_at: string;
  approved_by?: Decider;
  rejected_by?: Decider;
  /** The request digest the approval was given for. */
  approved_digest?: string;
  dispatched_at?: string;
  /** Process that dispatched the request (an outcome_unknown of a live process is still running). */
  dispatched_pid?: number;
  finished_at?: string;
  after?: Image;
  after_digest?: string;
  /** Why it is failed / stale / outcome_unknown. */
  reason?: string;
  /** This change undoes that one. */
  reverts?: string;
  /** The change that undid this one. */
  reverted_by?: string;
  /** What the adapter needs to read the object again (get request, SELECT); never shown. */
  probe?: unknown;
  /** Short result of the tool call that applied it (node answer). */
  result?: unknown;
}

const ID = /^chg_[0-9a-f]{32}$/;

export function newChangeId(): string {
  return `chg_${randomBytes(16).toString('hex')}`;
}

export function isChangeId(id: string): boolean {
  return ID.test(id);
}

/** JSON with object keys sorted at every level, so equal data has one text and one digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  }) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Digest of what will run: the tool and its exact arguments. */
export function requestDigest(tool: string, request: Record<string, unknown>): string {
  return sha256(canonicalJson({ tool, request }));
}

export function imageDigest(image: Image | undefined): string | undefined {
  return image === undefined ? undefined : sha256(canonicalJson(image));
}

/** Terminal states: nothing more can happen to the change itself (applied may still be reverted). */
export function isTerminal(s: ChangeStatus): boolean {
  return s === 'rejected' || s === 'stale' || s === 'failed' || s === 'reverted';
}
