/** @module Verify an install's audit chain (all files) against its signed checkpoint. */
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { listAuditFiles, readAuditFile } from './audit-files.ts';
import { readCheckpoint } from './checkpoint.ts';
import { verifyChain, type ChainResult } from './verify-chain.ts';
import { verifyPss } from '../keys/pss-signature.ts';

export interface VerifyAuditOptions { logsDir: string; checkpointPath: string; publicKey: KeyObject | undefined }

export function verifyAuditLog(options: VerifyAuditOptions): ChainResult & { checkpoint: string } {
  const logPath = join(options.logsDir, 'audit.log');
  const files = listAuditFiles(logPath).map(readAuditFile);
  const pub = options.publicKey;
  const cp = pub ? readCheckpoint(options.checkpointPath, (d, s) => verifyPss(pub, d, s)) : undefined;
  const result = verifyChain(files, cp);
  // Issue #12 item 8: a non-empty log with no checkpoint is a failure, never "none yet".
  if (pub && !cp && result.ok && result.records > 0) {
    return { ok: false, file: options.checkpointPath, line: 0, seq: undefined, reason: `the signed checkpoint is missing but the log holds ${result.records} records (deleted checkpoint: the chain cannot be vouched for)`, checkpoint: 'missing' };
  }
  const checkpoint = !pub ? 'not checked (no public key)' : cp ? `seq ${cp.seq} (${cp.ts})` : 'none yet';
  return { ...result, checkpoint };
}
