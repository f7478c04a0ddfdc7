/**
 * @module `aibridge restore`: into restore_<id>/ (default), into the live install (--replace), or
 * only checked (--verify). The key defaults to the server's private key; --key takes an archived
 * one. Callers hold the operations lock.
 */
import { existsSync, renameSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Config } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import { fsyncDirSync } from '../../lib/atomic-write.ts';
import { loadPrivateKey } from '../../keys/rsa-key-pair.ts';
import type { BackupMeta } from '../backup/backup-format.ts';
import { fileTimestamp } from '../common/timestamp.ts';
import { regularFileArg } from './input-file.ts';
import { extractBackup } from './extract-backup.ts';
import { removeStaging, cleanStaleStaging } from './staging.ts';
import { planReplace, replaceLive, journalStaging } from './replace-live.ts';

export interface RestoreRequest { file: string; keyPath?: string; cwd: string }
export interface RestoreResult { meta: BackupMeta; target: string; files: number; bytes: number; replaced?: string[]; refused?: string[]; previous?: string }

export function restoreKey(config: Config, req: RestoreRequest): { privateKey: KeyObject; label: string } {
  const path = req.keyPath ? regularFileArg('--key', req.keyPath, req.cwd) : config.paths.rsaPrivateKey;
  if (!req.keyPath && !existsSync(path)) {
    throw new AppError('E_RESTORE', `The server private key "${path}" does not exist`, { hint: 'pass the key the backup was made with: --key PATH' });
  }
  const privateKey = loadPrivateKey(path);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new AppError('E_RESTORE', `"${path}" is not an RSA private key`, { hint: 'pass secrets/rsa_private.pem or an archived rsa_private.pem.archived.* file' });
  return { privateKey, label: req.keyPath ?? path };
}

/** Extract into restore_<id>/ beside the install's files; never overwrites. */
export async function restoreToFolder(config: Config, req: RestoreRequest): Promise<RestoreResult> {
  const root = config.paths.root;
  const file = regularFileArg('--file', req.file, req.cwd);
  const key = restoreKey(config, req);
  cleanStaleStaging(root, journalStaging(root));
  const staged = await extractBackup(root, file, key);
  try {
    const target = join(root, `restore_${staged.meta.id}`);
    if (existsSync(target)) {
      throw new AppError('E_RESTORE', `"${target}" already exists`, { hint: 'inspect or remove it, then run the restore again' });
    }
    renameSync(staged.tree, target);
    fsyncDirSync(root);
    return { meta: staged.meta, target, files: staged.summary.files, bytes: staged.summary.bytes };
  } finally { removeStaging(staged.staging); }
}

/** Top-level names that --replace leaves alone: the logs folder (the audit trail stays append-only). */
function keepLive(config: Config): Set<string> {
  const rel = relative(config.paths.root, config.paths.logsDir);
  const top = rel.split(sep)[0];
  return new Set(top && !top.startsWith('..') ? [top] : []);
}

/**
 * Replace the live install with the backup. The backup is fully authenticated and extracted
 * first; `beforeSwap` (stop the server) runs only then, so a bad backup never stops anything.
 */
export async function restoreReplace(config: Config, req: RestoreRequest, beforeSwap: () => Promise<void> = async () => undefined, now = new Date()): Promise<RestoreResult> {
  const root = config.paths.root;
  const file = regularFileArg('--file', req.file, req.cwd);
  const key = restoreKey(config, req);
  cleanStaleStaging(root, journalStaging(root));
  const staged = await extractBackup(root, file, key);
  try { planReplace(staged.tree, keepLive(config)); await beforeSwap(); } catch (err) { removeStaging(staged.staging); throw err; }
  const r = replaceLive(root, { id: staged.meta.id, staging: staged.staging, tree: staged.tree }, keepLive(config), `restore_previous_${fileTimestamp(now)}`);
  return { meta: staged.meta, target: root, files: staged.summary.files, bytes: staged.summary.bytes, replaced: r.items, refused: r.refused ?? [], previous: r.previous };
}
