/**
 * @module `restore --verify`: sidecar, key and the server's signature over the whole file (one
 * read, open-backup.ts), then one more read that decrypts, checks the GCM tag, decodes the
 * payload (in the payload worker for version 3) and walks the tar checking every entry, writing
 * nothing anywhere.
 */
import type { Config } from '../../config/load-config.ts';
import { openBackup } from './open-backup.ts';
import { checkBackupBody } from './decrypt-backup.ts';
import { regularFileArg } from './input-file.ts';
import { restoreKey, type RestoreRequest, type RestoreResult } from './restore-backup.ts';

export async function verifyBackup(config: Config, req: RestoreRequest): Promise<RestoreResult> {
  const file = regularFileArg('--file', req.file, req.cwd);
  const key = restoreKey(config, req);
  const opened = await openBackup(file, key.privateKey, key.label);
  try {
    // Only authenticated data reaches the chunk, gzip and tar parsers: openBackup verified the
    // signature over every byte; the GCM tag is checked at the end of this same read, and a
    // failure there fails the verification.
    const summary = await checkBackupBody(file, opened);
    return { meta: opened.header.meta, target: '', files: summary.files, bytes: summary.bytes };
  } finally { opened.dek.fill(0); }
}
