/**
 * @module Decrypt + authenticate + extract a backup into a staging folder: sidecar, key and
 * signature first (open-backup.ts), then the body into a private temp file whose GCM tag must
 * verify, and only then the payload (chunks or gzip, by format version) and the tar.
 * Returns the staged tree; on any failure the staging folder is removed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { BackupMeta } from '../backup/backup-format.ts';
import { openBackup } from './open-backup.ts';
import { decryptBackup, extractPayload } from './decrypt-backup.ts';
import type { ExtractSummary } from './safe-extract.ts';
import { createStaging, removeStaging } from './staging.ts';

export interface StagedRestore { staging: string; tree: string; meta: BackupMeta; summary: ExtractSummary }

export async function extractBackup(root: string, file: string, key: { privateKey: KeyObject; label: string }): Promise<StagedRestore> {
  const opened = await openBackup(file, key.privateKey, key.label);
  const staging = createStaging(root);
  try {
    const payload = join(staging, 'payload');
    await decryptBackup(file, opened, payload);
    opened.dek.fill(0);
    const tree = join(staging, 'tree');
    mkdirSync(tree, { mode: 0o700 });
    const summary = await extractPayload(payload, opened.header.version, tree);
    rmSync(payload, { force: true });
    return { staging, tree, meta: opened.header.meta, summary };
  } catch (err) {
    removeStaging(staging);
    throw err;
  }
}
