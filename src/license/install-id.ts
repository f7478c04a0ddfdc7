/**
 * @module The install id: a random UUID created once per install in secrets/install-id (mode 600)
 * and never changed, so a licence can be bound to one install (`install_id` claim). It moves with
 * a backup/restore of secrets/. Creation is race-free: the id is written to a temp file, fsynced,
 * then hard-linked into place, which fails if another process created it first (then theirs wins).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { fsyncDirSync } from '../lib/atomic-write.ts';
import { INSTALL_ID_RE } from './license-claims.ts';

export const INSTALL_ID_FILE = 'install-id';

function readId(path: string): string | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('E_CONFIG_UNREADABLE', `Cannot read ${path}: ${(err as Error).message}`, { hint: 'check the owner and mode of secrets/ (700) and its files (600)' });
  }
  const id = text.trim();
  if (!INSTALL_ID_RE.test(id)) {
    throw new AppError('E_CONFIG_INVALID', `${path} does not hold an install id`, {
      hint: 'restore secrets/install-id from a backup (licences bound to this install name it); deleting it creates a new id, which such licences no longer match',
    });
  }
  return id;
}

/** The install id of `secretsDir`, read-only: undefined when none was created yet. */
export function readInstallId(secretsDir: string): string | undefined {
  return readId(join(secretsDir, INSTALL_ID_FILE));
}

/** The install id of `secretsDir`, created on first use. */
export function ensureInstallId(secretsDir: string): string {
  const path = join(secretsDir, INSTALL_ID_FILE);
  const existing = readId(path);
  if (existing) return existing;
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const tmp = join(secretsDir, `.${INSTALL_ID_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${randomUUID()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    fsyncDirSync(secretsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AppError('E_STATE_WRITE', `Cannot create ${path}: ${(err as Error).message}`, { hint: 'check that secrets/ is writable by the service user' });
    }
  } finally {
    try { unlinkSync(tmp); } catch { /* already gone */ }
  }
  const id = readId(path);
  if (!id) throw new AppError('E_STATE_WRITE', `Cannot create ${path}`, { hint: 'check that secrets/ is writable by the service user' });
  return id;
}
