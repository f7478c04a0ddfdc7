/**
 * @module The words a person reads before approving: built only from the structured plan, every
 * value quoted with JSON escaping (newlines, quotes, control, bidi and line-separator characters
 * made visible) and capped, so text an agent or a node put into a field (e.g. a description holding
 * a newline and "approve" prose) is shown as one quoted value and never reads as part of the prompt.
 */
import type { ChangeRecord } from './change-record.ts';

const MAX_VALUE = 200;
const MAX_FIELDS = 20;

/** One value as a quoted, escaped, length-capped literal. */
export function quoteValue(v: unknown): string {
  if (v === undefined) return '(not set)';
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  const capped = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
  // JSON.stringify escapes quotes, backslashes and C0 controls; the rest could still mislead a reader.
  return JSON.stringify(capped).replace(/[\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name the plan gives an object or operation (already validated by the tool), quoted the same way. */
export function quoteName(v: string | undefined): string {
  return v === undefined ? '(none)' : quoteValue(v);
}

/** Lines that say what will change, field by field. */
export function diffLines(rec: Pick<ChangeRecord, 'diff'>): string[] {
  const lines = rec.diff.slice(0, MAX_FIELDS).map((d) => `  ${quoteValue(d.field)}: ${quoteValue(d.before)} -> ${quoteValue(d.after)}`);
  if (rec.diff.length > MAX_FIELDS) lines.push(`  … and ${rec.diff.length - MAX_FIELDS} more fields (see the change's diff)`);
  return lines;
}

/** The approval text (elicitation message, `aibridge changes show`, the plan's text). */
export function approvalText(rec: ChangeRecord): string {
  return [
    // First line names the operation and the object: some clients show only one line.
    `Change ${rec.id}: ${quoteName(rec.operation)} of ${rec.object} on node ${quoteName(rec.node)}, requested by client ${quoteName(rec.client)} (profile ${quoteName(rec.profile)})`,
    ...(rec.diff.length ? ['Fields that will change (current -> new):', ...diffLines(rec)] : ['No field-by-field preview for this operation.']),
    rec.reversible ? 'Reversible: yes (the current state is kept; aibridge_change_revert restores it).' : `Reversible: NO (${rec.irreversible_reason ?? 'no before-image'}).`,
    ...(rec.reverts ? [`This change reverts ${rec.reverts}.`] : []),
    `Approval expires at ${rec.expires_at}.`,
  ].join('\n');
}
