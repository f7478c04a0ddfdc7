/**
 * @module `restore --verify`: sidecar, key, full GCM authentication, then a second pass walking
 * the tar and checking every entry, writing nothing anywhere.
 */
import { createGunzip } from 'node:zlib';
import type { Config } from '../../config/load-config.ts';
import { checkSidecar } from '../backup/sidecar.ts';
import { openBackup } from './open-backup.ts';
import { decryptBackup, discardSink } from './decrypt-backup.ts';
import { archiveError, createTarExtractor } from './safe-extract.ts';
import { regularFileArg } from './input-file.ts';
import { restoreKey, type RestoreRequest, type RestoreResult } from './restore-backup.ts';

export async function verifyBackup(config: Config, req: RestoreRequest): Promise<RestoreResult> {
  const file = regularFileArg('--file', req.file, req.cwd);
  const key = restoreKey(config, req);
  await checkSidecar(file);
  const opened = await openBackup(file, key.privateKey, key.label);
  try {
    await decryptBackup(file, opened, discardSink());
    // Only authenticated data reaches the gzip and tar parsers (the tag is checked again).
    const x = createTarExtractor(undefined);
    try { await decryptBackup(file, opened, x.sink, [createGunzip()]); } catch (err) { throw archiveError(err); }
    const summary = await x.finish();
    return { meta: opened.header.meta, target: '', files: summary.files, bytes: summary.bytes };
  } finally { opened.dek.fill(0); }
}
