/**
 * @module Make one encrypted backup: plan → tar read straight into shared chunk slots
 * (pack-plan.ts) → the seal worker (zstd where it pays, AES-256-GCM) → the write worker (SHA-512,
 * 1 MiB writes), both in parallel (backup-sealer.ts) → temp file beside the final name (created 0600, fsynced),
 * sidecar, then rename. A crash at any point leaves either no backup or
 * a complete one under the final name (T-BK-08); a failure removes the temp file (T-BK-10).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { constants, existsSync, mkdirSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import { commitTempFile, tempFileBeside } from '../../lib/atomic-write.ts';
import { VERSION } from '../../lib/version.ts';
import { loadPrivateKey } from '../../keys/rsa-key-pair.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';
import { safeHostName } from '../common/host-name.ts';
import { backupFileName, backupId } from './backup-name.ts';
import { planBackup } from './backup-plan.ts';
import { packPlan } from './pack-plan.ts';
import { BackupSealer } from './backup-sealer.ts';
import { writeSidecar } from './sidecar.ts';

export interface BackupResult { id: string; file: string; bytes: number; sha512: string; files: number; skipped: string[]; warnings: string[] }
export interface CreateBackupOptions { now?: Date; privateKey?: KeyObject; onProgress?: (doneBytes: number, totalBytes: number) => void }

/** Backups are signed, so making one needs the private key (backup-format.ts, issue #12 item 1). */
function loadBackupKey(config: Config): KeyObject {
  if (!existsSync(config.paths.rsaPrivateKey)) {
    throw new AppError('E_BACKUP', `Cannot back up: the server private key "${config.paths.rsaPrivateKey}" does not exist (backups are signed with it)`, { hint: 'run "aibridge serve" once to generate the key pair, or restore secrets/ from a backup' });
  }
  return loadPrivateKey(config.paths.rsaPrivateKey);
}

function describeFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EDQUOT') return 'the disk quota is exceeded';
  return (err as Error).message;
}

/** Write one backup into BACKUP_DIR; the caller holds the operations lock. */
export async function createBackup(config: Config, options: CreateBackupOptions = {}): Promise<BackupResult> {
  const privateKey = options.privateKey ?? loadBackupKey(config);
  const publicKey = createPublicKey(privateKey);
  const now = options.now ?? new Date();
  const warnings: string[] = [];
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 3072) warnings.push(`the server RSA key has ${bits} bits; 3072 or more is recommended for backups (set AUTH_RSA_KEY_SIZE=4096 and run aibridge rotate)`);
  const dir = config.paths.backupsDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let n = 1;
  while (existsSync(join(dir, backupFileName(backupId(VERSION, now, n))))) n++;
  const id = backupId(VERSION, now, n);
  const file = join(dir, backupFileName(id));
  const plan = planBackup(config);
  for (const p of plan.outside) warnings.push(`"${p}" is outside the install folder and is not in the backup`);
  const meta = { id, created: now.toISOString(), version: VERSION, host: safeHostName(), keyFingerprint: keyFingerprint(publicKey) };
  const tmp = tempFileBeside(file);
  let done = 0;
  let sealer: BackupSealer | undefined;
  try {
    // Created here, exclusively and 0600 from the start; the write worker writes, fsyncs and closes it.
    await (await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)).close();
    sealer = new BackupSealer(tmp, privateKey, meta);
    await packPlan(plan, sealer, (b) => { done += b; options.onProgress?.(done, plan.totalBytes); });
    const { bytes, sha512 } = await sealer.seal();
    await sealer.close();
    await writeSidecar(file, sha512);
    await commitTempFile(tmp, file);
    return { id, file, bytes, sha512, files: plan.entries.filter((e) => e.type === 'file').length, skipped: plan.skipped, warnings };
  } catch (err) {
    await sealer?.close();
    await unlink(tmp).catch(() => undefined);
    await unlink(`${file}.sha512`).catch(() => undefined);
    throw new AppError('E_BACKUP', `Backup failed: ${describeFailure(err)}`, { hint: `no backup was written to "${dir}"; fix the cause and run aibridge backup again`, cause: err });
  }
}
