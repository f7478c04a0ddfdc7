/** @module One audit line: the chain keys first, the caller's fields (redacted, escaped), `prev` last. */
import { formatRecord } from '../log/logger.ts';
import type { LogFields } from '../log/logger.ts';
import type { AuditCategory } from './audit-record.ts';

/** Keys the chain owns; a caller field with one of these names is kept as `<key>_field`. */
const RESERVED_KEYS = new Set(['ts', 'seq', 'category', 'event', 'prev']);

function withoutReservedKeys(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[RESERVED_KEYS.has(k) ? `${k}_field` : k] = v;
  return out;
}

export interface AuditLineInput {
  now: number;
  category: AuditCategory;
  event: string;
  fields: LogFields;
  /** The record before this one: its seq and the SHA-256 of its line. */
  head: { seq: number; hash: string };
  /** Set when the clock went backwards since the previous record. */
  jumpMs?: number;
}

/** Serialise the record that follows `head`. */
export function formatAuditLine(input: AuditLineInput): string {
  const body = formatRecord({ ...withoutReservedKeys(input.fields), ...(input.jumpMs !== undefined ? { clock_jump_ms: input.jumpMs } : {}) });
  const first = formatRecord({ ts: new Date(input.now).toISOString(), seq: input.head.seq + 1, category: input.category, event: input.event });
  const inner = body === '{}' ? '' : `,${body.slice(1, -1)}`;
  return `${first.slice(0, -1)}${inner},"prev":"${input.head.hash}"}`;
}
