/**
 * @module Apply a verified, planned upgrade: every changed file and the merged .env are first
 * written beside their targets as "*.upgrade-new" (fsynced), then a journal lists the renames,
 * then the renames run. A kill -9 before the journal leaves the old install (stray files are
 * removed on the next run); after it, the next run or start-up finishes the renames.
 */
import { copyFileSync, existsSync, fsyncSync, openSync, closeSync, readFileSync, renameSync, unlinkSync, chmodSync, mkdirSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fsyncDirSync, writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { AppError } from '../../lib/errors.ts';
import type { UpgradePlan } from './plan-upgrade.ts';
import { SHIPPED_FILES } from '../integrity/ensure-shipped-files.ts';

/** The install files an upgrade may replace (and whose leftover `.upgrade-new` copies start-up removes). */
export const UPGRADE_CANDIDATES = ['aibridge', 'manifest.json', 'manifest.sig', '.env', ...Object.keys(SHIPPED_FILES)];

export const UPGRADE_JOURNAL = '.upgrade-journal.json';
const NEW = '.upgrade-new';
const JOURNAL_SCHEMA = z.object({ version: z.string(), targets: z.array(z.string()) }).strict();

function copyDurable(src: string, dest: string, mode: number): void {
  mkdirSync(dirname(dest), { recursive: true, mode: 0o755 });
  copyFileSync(src, dest);
  chmodSync(dest, mode);
  const fd = openSync(dest, constants.O_RDONLY);
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

function commit(root: string, targets: string[]): void {
  for (const t of targets) if (existsSync(t + NEW)) { renameSync(t + NEW, t); fsyncDirSync(dirname(t)); }
  unlinkSync(join(root, UPGRADE_JOURNAL));
  fsyncDirSync(root);
}

export function applyUpgrade(root: string, plan: UpgradePlan, payloadDir: string): string[] {
  const targets: string[] = [];
  for (const f of plan.files) {
    if (f.action === 'unchanged') continue;
    const target = join(root, f.path);
    copyDurable(join(payloadDir, f.path), target + NEW, f.path === 'aibridge' ? 0o755 : 0o644);
    targets.push(target);
  }
  if (plan.envChanged) {
    writeFileAtomicSync(join(root, '.env') + NEW, plan.env.text, { mode: 0o600 });
    targets.push(join(root, '.env'));
  }
  writeFileAtomicSync(join(root, UPGRADE_JOURNAL), `${JSON.stringify({ version: plan.to, targets })}\n`, { mode: 0o600 });
  commit(root, targets);
  return targets;
}

/** Finish (journal present) or undo (stray *.upgrade-new files) an interrupted upgrade. */
export function recoverInterruptedUpgrade(root: string, candidates: string[]): string | undefined {
  const path = join(root, UPGRADE_JOURNAL);
  if (existsSync(path)) {
    let j: z.infer<typeof JOURNAL_SCHEMA>;
    try { j = JOURNAL_SCHEMA.parse(JSON.parse(readFileSync(path, 'utf8'))); } catch (err) {
      throw new AppError('E_UPGRADE', `The upgrade journal "${path}" is damaged`, { hint: 'check the *.upgrade-new files by hand, then delete the journal', cause: err });
    }
    commit(root, j.targets);
    return `finished an interrupted upgrade to ${j.version}`;
  }
  let removed = false;
  for (const c of candidates) if (existsSync(join(root, c) + NEW)) { unlinkSync(join(root, c) + NEW); removed = true; }
  return removed ? 'removed the files of an upgrade interrupted before it applied anything' : undefined;
}
