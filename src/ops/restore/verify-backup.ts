/**
 * @module `restore --verify`: sidecar, key and the server's signature, then the whole body is
 * decrypted, its GCM tag checked, the payload decoded and the tar walked checking every entry,
 * writing nothing anywhere. Version 4: the signature over header and checkpoints first, then ONE
 * read that authenticates each segment and hands it to the payload worker at once (the hash and
 * the decryption on both cores); versions 2 and 3: one read to check the signature over the
 * whole file (open-backup.ts), then a second that decrypts.
 */
import type { Config } from '../../config/load-config.ts';
import { openBackup, openBackupHead, readBackupHeader } from './open-backup.ts';
import { checkBackupBody, checkStreamedBody } from './decrypt-backup.ts';
import { regularFileArg } from './input-file.ts';
import { restoreKey, type RestoreRequest, type RestoreResult } from './restore-backup.ts';

export async function verifyBackup(config: Config, req: RestoreRequest): Promise<RestoreResult> {
  const file = regularFileArg('--file', req.file, req.cwd);
  const key = restoreKey(config, req);
  if ((await readBackupHeader(file)).checkpoints) {
    const head = await openBackupHead(file, key.privateKey, key.label);
    try {
      // Only authenticated data reaches the chunk and tar parsers: each segment once its signed
      // checkpoint matched, the tag after the last; a failure of either fails the verification.
      const summary = await checkStreamedBody(file, head);
      return { meta: head.header.meta, target: '', files: summary.files, bytes: summary.bytes };
    } finally { head.dek.fill(0); }
  }
  const opened = await openBackup(file, key.privateKey, key.label);
  try {
    // Only authenticated data reaches the chunk, gzip and tar parsers: openBackup verified the
    // signature over every byte; the GCM tag is checked at the end of this same read, and a
    // failure there fails the verification.
    const summary = await checkBackupBody(file, opened);
    return { meta: opened.header.meta, target: '', files: summary.files, bytes: summary.bytes };
  } finally { opened.dek.fill(0); }
}
