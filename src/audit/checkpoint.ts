/**
 * @module Signed audit checkpoints, kept outside the log (secrets/audit.checkpoint), RSA-PSS/SHA-512
 * with the server key. Version 2 signs four facts about the chain:
 *   - seq, hash: the latest record when it was written (reveals tail truncation, T-AU-03, and a
 *     consistent rewrite of the chain by someone without the key, T-AU-04);
 *   - genesis: the hash of record 1, the chain's signed genesis (reveals deleted first records and
 *     a chain rebuilt from scratch; issue #12 item 8);
 *   - retired: the last record that audit retention deleted on purpose (seq and hash; seq 0 when
 *     none), so `audit verify` can tell retention from deletion (issue #12 item 3).
 * Rules (issue #12 items 2 and 8): the server signs a checkpoint only when the chain on disk still
 * holds the last signed record (audit-log.ts); a non-empty log without a checkpoint is a failure.
 * Version 1 files (seq, hash, ts) are still read; the next checkpoint upgrades them.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { AppError } from '../lib/errors.ts';
import { GENESIS_HASH } from './audit-record.ts';
import { ONE_SHOT_PARSE } from '../lib/one-shot-parse.ts';

export interface ChainMark { seq: number; hash: string }
export interface Checkpoint { seq: number; hash: string; ts: string; sig: string; v?: 2; genesis?: string; retired?: ChainMark }

export type Signer = (data: Buffer) => Buffer;
export type Verifier = (data: Buffer, signature: Buffer) => boolean;

const HASH = z.string().regex(/^[0-9a-f]{64}$/);
const V1_SCHEMA = z.object({ seq: z.number().int().nonnegative(), hash: HASH, ts: z.string(), sig: z.string() }).strict();
const V2_SCHEMA = z.object({
  v: z.literal(2), seq: z.number().int().nonnegative(), hash: HASH, ts: z.string(), genesis: HASH,
  retired: z.object({ seq: z.number().int().nonnegative(), hash: HASH }).strict(), sig: z.string(),
}).strict();

function payload(cp: Omit<Checkpoint, 'sig'>): Buffer {
  if (cp.v !== 2) return Buffer.from(`aibridge-audit-checkpoint\n${cp.seq}\n${cp.hash}\n${cp.ts}`, 'utf8');
  const r = cp.retired ?? { seq: 0, hash: GENESIS_HASH };
  return Buffer.from(`aibridge-audit-checkpoint-v2\n${cp.seq}\n${cp.hash}\n${cp.ts}\n${cp.genesis}\n${r.seq}\n${r.hash}`, 'utf8');
}

export interface CheckpointFacts { head: ChainMark; genesis: string; retired: ChainMark }

/** Write a signed version-2 checkpoint atomically. */
export function writeCheckpoint(path: string, facts: CheckpointFacts, sign: Signer): Checkpoint {
  const body = { v: 2 as const, seq: facts.head.seq, hash: facts.head.hash, ts: new Date().toISOString(), genesis: facts.genesis, retired: { ...facts.retired } };
  const cp: Checkpoint = { ...body, sig: sign(payload(body)).toString('base64') };
  writeFileAtomicSync(path, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
  return cp;
}

/** Read and authenticate a checkpoint; undefined when none exists. */
export function readCheckpoint(path: string, verify: Verifier): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let cp: Checkpoint;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { v?: unknown };
    cp = raw.v === 2 ? V2_SCHEMA.parse(raw, ONE_SHOT_PARSE) : V1_SCHEMA.parse(raw, ONE_SHOT_PARSE);
  } catch (err) {
    throw new AppError('E_AUDIT_INVALID', `Audit checkpoint "${path}" is unreadable`, { hint: 'restore it from a backup; the log cannot be vouched for without it', cause: err });
  }
  if (!verify(payload(cp), Buffer.from(cp.sig, 'base64'))) {
    throw new AppError('E_AUDIT_INVALID', `Audit checkpoint "${path}" has a bad signature`, { hint: 'it was altered or signed with another key; restore it from a backup' });
  }
  return cp;
}
