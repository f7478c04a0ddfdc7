/**
 * @module Crash safety for `aibridge rotate` (T-BK-11). The new key files and the re-encrypted
 * .env are first written beside their targets as "*.rotate-new"; the journal then lists the
 * renames still to do. With a journal, an interrupted rotation is rolled forward (each rename is
 * done once: a missing "*.rotate-new" means that step is done); without one, stray "*.rotate-new"
 * files are removed (rolled back). Archives are plain copies, so they are safe either way.
 */
import { existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fsyncDirSync, writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { AppError } from '../../lib/errors.ts';

export const NEW_SUFFIX = '.rotate-new';
const JOURNAL_SCHEMA = z.object({ targets: z.array(z.string()), archivedPrivate: z.string(), archivedPublic: z.string() }).strict();
export type RotationJournal = z.infer<typeof JOURNAL_SCHEMA>;

export function journalPath(secretsDir: string): string {
  return join(secretsDir, 'rotate.journal');
}

export function writeJournal(secretsDir: string, j: RotationJournal): void {
  writeFileAtomicSync(journalPath(secretsDir), `${JSON.stringify(j)}\n`, { mode: 0o600 });
}

/** Do the remaining renames and drop the journal. */
export function commitJournal(secretsDir: string, j: RotationJournal): void {
  for (const target of j.targets) {
    if (existsSync(target + NEW_SUFFIX)) { renameSync(target + NEW_SUFFIX, target); fsyncDirSync(dirname(target)); }
  }
  unlinkSync(journalPath(secretsDir));
  fsyncDirSync(secretsDir);
}

/**
 * Finish or undo an interrupted rotation. Returns the journal when it rolled forward (the caller
 * re-signs the audit checkpoint), 'rolled-back' when it removed stray files, undefined otherwise.
 */
export function recoverRotation(secretsDir: string, candidates: string[]): RotationJournal | 'rolled-back' | undefined {
  const path = journalPath(secretsDir);
  if (existsSync(path)) {
    let j: RotationJournal;
    try { j = JOURNAL_SCHEMA.parse(JSON.parse(readFileSync(path, 'utf8'))); } catch (err) {
      throw new AppError('E_KEY_INVALID', `The key rotation journal "${path}" is damaged`, { hint: 'check secrets/*.rotate-new and the archived keys by hand, then delete the journal', cause: err });
    }
    commitJournal(secretsDir, j);
    return j;
  }
  let removed = false;
  for (const c of candidates) {
    if (existsSync(c + NEW_SUFFIX)) { unlinkSync(c + NEW_SUFFIX); removed = true; }
  }
  return removed ? 'rolled-back' : undefined;
}
