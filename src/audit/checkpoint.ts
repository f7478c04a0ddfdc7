/**
 * @module Signed audit checkpoints, kept outside the log (secrets/audit.checkpoint): the sequence
 * number and hash of the latest record, signed RSA-PSS/SHA-512 with the server key. They reveal
 * tail truncation and a consistent rewrite of the whole chain by someone without the key.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { AppError } from '../lib/errors.ts';

export interface Checkpoint { seq: number; hash: string; ts: string; sig: string }

export type Signer = (data: Buffer) => Buffer;
export type Verifier = (data: Buffer, signature: Buffer) => boolean;

const CHECKPOINT_SCHEMA = z.object({ seq: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/), ts: z.string(), sig: z.string() }).strict();

function payload(seq: number, hash: string, ts: string): Buffer {
  return Buffer.from(`aibridge-audit-checkpoint\n${seq}\n${hash}\n${ts}`, 'utf8');
}

/** Write a signed checkpoint atomically. */
export function writeCheckpoint(path: string, head: { seq: number; hash: string }, sign: Signer): Checkpoint {
  const ts = new Date().toISOString();
  const cp: Checkpoint = { seq: head.seq, hash: head.hash, ts, sig: sign(payload(head.seq, head.hash, ts)).toString('base64') };
  writeFileAtomicSync(path, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
  return cp;
}

/** Read and authenticate a checkpoint; undefined when none exists yet. */
export function readCheckpoint(path: string, verify: Verifier): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let cp: Checkpoint;
  try {
    cp = CHECKPOINT_SCHEMA.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new AppError('E_AUDIT_INVALID', `Audit checkpoint "${path}" is unreadable`, { hint: 'restore it from a backup; the log cannot be vouched for without it', cause: err });
  }
  if (!verify(payload(cp.seq, cp.hash, cp.ts), Buffer.from(cp.sig, 'base64'))) {
    throw new AppError('E_AUDIT_INVALID', `Audit checkpoint "${path}" has a bad signature`, { hint: 'it was altered or signed with another key; restore it from a backup' });
  }
  return cp;
}
