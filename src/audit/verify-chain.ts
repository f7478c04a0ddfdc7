/**
 * @module Pure verification of an audit chain: every line parses, sequence numbers increase by
 * one, each `prev` is the SHA-256 of the previous line, and the chain reaches the signed checkpoint.
 * With a version-2 checkpoint (checkpoint.ts) also: record 1 is the signed genesis, and a chain
 * that starts later starts exactly after the records the checkpoint names as retired, so deletion
 * is told apart from retention (issue #12 items 3 and 8). A record `audit_tampered` (written by
 * the server when it found the chain cut short, item 2) is always a failure.
 */
import { GENESIS_HASH, hashLine } from './audit-record.ts';
import type { AuditFile } from './audit-files.ts';
import type { Checkpoint } from './checkpoint.ts';

export interface ChainOk { ok: true; records: number; headHash: string; headSeq: number; firstSeq: number; notes: string[] }
export interface ChainBad { ok: false; file: string; line: number; seq: number | undefined; reason: string }
export type ChainResult = ChainOk | ChainBad;

interface Parsed { seq: number; prev: string; event: unknown; reason: unknown }

function parse(line: string): Parsed | string {
  let v: unknown;
  try { v = JSON.parse(line); } catch { return 'not valid JSON'; }
  if (!v || typeof v !== 'object') return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.seq !== 'number' || !Number.isInteger(o.seq)) return 'no integer "seq"';
  if (typeof o.prev !== 'string' || !/^[0-9a-f]{64}$/.test(o.prev)) return 'no "prev" hash';
  if (typeof o.category !== 'string' || typeof o.ts !== 'string') return 'no "category"/"ts"';
  return { seq: o.seq, prev: o.prev, event: o.event, reason: o.reason };
}

/** Verify the files of one chain (oldest first) against an optional checkpoint. */
export function verifyChain(files: AuditFile[], checkpoint: Checkpoint | undefined): ChainResult {
  const notes: string[] = [];
  let prevHash: string | undefined;
  let prevSeq: number | undefined;
  let firstSeq: number | undefined;
  let records = 0;
  let checkpointSeen = false;
  for (const file of files) {
    for (let i = 0; i < file.lines.length; i++) {
      const line = file.lines[i] as string;
      const bad = (reason: string, seq?: number): ChainBad => ({ ok: false, file: file.path, line: i + 1, seq, reason });
      const p = parse(line);
      if (typeof p === 'string') return bad(p);
      if (p.event === 'audit_tampered') {
        return bad(`the server found the audit log tampered with and started a new segment here: ${typeof p.reason === 'string' ? p.reason : 'see this record'}`, p.seq);
      }
      if (prevSeq === undefined) {
        firstSeq = p.seq;
        if (p.seq === 1 && p.prev !== GENESIS_HASH) return bad('the first record does not start from the genesis hash', p.seq);
        const v2 = checkpoint?.v === 2;
        const retired = checkpoint?.retired?.seq ?? 0;
        if (p.seq === 1 && v2 && retired === 0 && checkpoint?.genesis !== GENESIS_HASH && hashLine(line) !== checkpoint?.genesis) {
          return bad('the first record is not the signed genesis (the chain was rebuilt)', p.seq);
        }
        if (p.seq !== 1) {
          if (v2 && retired < p.seq - 1) return bad(`records ${retired + 1}..${p.seq - 1} are missing and the signed checkpoint does not name them as removed by retention (they were deleted)`, p.seq);
          if (v2 && retired === p.seq - 1 && p.prev !== checkpoint?.retired?.hash) return bad('the first record does not follow the last record retired by retention (the chain was rebuilt)', p.seq);
          notes.push(v2 ? `records 1..${p.seq - 1} were removed by retention (named in the signed checkpoint)` : `chain starts at seq ${p.seq}: older archives were removed by retention`);
        }
      } else {
        if (p.seq !== prevSeq + 1) return bad(`sequence jumps from ${prevSeq} to ${p.seq} (a record or file was deleted, reordered or inserted)`, p.seq);
        if (p.prev !== prevHash) return bad('its "prev" does not match the hash of the record before it (that record was modified, deleted or reordered, or this one was inserted)', p.seq);
      }
      const h = hashLine(line);
      if (checkpoint && p.seq === checkpoint.seq) {
        if (h !== checkpoint.hash) return bad('this record differs from the one recorded in the signed checkpoint (the chain was rewritten)', p.seq);
        checkpointSeen = true;
      }
      prevHash = h;
      prevSeq = p.seq;
      records++;
    }
    if (!file.endsWithNewline) return { ok: false, file: file.path, line: file.lines.length, seq: prevSeq, reason: 'the last line is torn (no newline)' };
  }
  if (checkpoint && !checkpointSeen) {
    if (prevSeq === undefined || prevSeq < checkpoint.seq) {
      return { ok: false, file: files[files.length - 1]?.path ?? 'audit.log', line: files[files.length - 1]?.lines.length ?? 0, seq: prevSeq,
        reason: `the log ends at seq ${prevSeq ?? 0} but the signed checkpoint records seq ${checkpoint.seq} (the tail was truncated)` };
    }
    if (firstSeq !== undefined && firstSeq > checkpoint.seq) notes.push('the checkpointed record is in an archive removed by retention');
  }
  return { ok: true, records, headHash: prevHash ?? GENESIS_HASH, headSeq: prevSeq ?? 0, firstSeq: firstSeq ?? 0, notes };
}
