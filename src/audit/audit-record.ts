/** @module Audit record shape and the hash that links each line to the previous one. */
import { hash } from 'node:crypto';

export const AUDIT_CATEGORIES = ['AUTH', 'ACTIONS', 'RATE_LIMITED', 'CREDENTIAL', 'TRUSTED', 'WRITTEN', 'EXPORTED', 'SERVER', 'TRANSPORT', 'CHANGE'] as const;
export type AuditCategory = typeof AUDIT_CATEGORIES[number];

/** Hash of the chain before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecordHead {
  ts: string;
  seq: number;
  category: AuditCategory;
  event: string;
  prev: string;
}

/** SHA-256 (hex) of one log line, without its newline. */
export function hashLine(line: string): string {
  return hash('sha256', line, 'hex'); // one-shot: no Hash object per record (a string is hashed as UTF-8)
}
