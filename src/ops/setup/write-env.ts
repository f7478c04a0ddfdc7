/**
 * @module Write the `.env` setup produced: mode 600 from creation (atomic), never over an existing
 * file unless forced, and then only after keeping the old one as `.env.bak-<time>` (also 600).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { AppError } from '../../lib/errors.ts';
import { fileTimestamp } from '../common/timestamp.ts';

export interface WriteEnvResult { path: string; backup?: string }

/** Refuse early (before any question is asked) when `.env` exists and --force is not given. */
export function assertEnvWritable(root: string, force: boolean): void {
  const path = join(root, '.env');
  if (existsSync(path) && !force) {
    throw new AppError('E_USAGE', `"${path}" already exists; nothing was written`, { hint: 'edit it by hand, or run aibridge setup --force to replace it (the old file is kept as .env.bak-<time>)' });
  }
}

export function writeEnv(root: string, text: string, options: { force: boolean; now: Date }): WriteEnvResult {
  assertEnvWritable(root, options.force);
  const path = join(root, '.env');
  let backup: string | undefined;
  if (existsSync(path)) {
    backup = join(root, `.env.bak-${fileTimestamp(options.now)}`);
    if (existsSync(backup)) throw new AppError('E_STATE_WRITE', `"${backup}" already exists; nothing was written`, { hint: 'wait a second and run setup again' });
    writeFileAtomicSync(backup, readFileSync(path), { mode: 0o600 });
  }
  writeFileAtomicSync(path, text, { mode: 0o600 });
  return backup ? { path, backup } : { path };
}
