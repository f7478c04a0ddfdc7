/**
 * @module `restore --replace`: swap the staged tree into the live install, one top-level item at a
 * time, under a journal so that a kill -9 at any point
 * is finished on the next run (T-BK-09). Each live item is first moved into
 * restore_previous_<time>/, which is kept until the operator deletes it. Every step is a rename
 * inside the install folder, so each item is either old or new, never half-written.
 *
 * Per item the state decides the next step, which makes the roll-forward idempotent:
 *   staged present, live present  → move live aside, then staged → live
 *   staged present, live absent   → staged → live
 *   staged absent                 → done
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync, fsyncDirSync } from '../../lib/atomic-write.ts';
import { AppError } from '../../lib/errors.ts';
import { removeStaging } from './staging.ts';

export const RESTORE_JOURNAL = '.restore-journal.json';

/**
 * Rule (issue #12 item 1): --replace installs exactly this set, whatever the archive holds.
 * `.env` must be a regular file, the others folders; no file in them may be executable (a backup
 * must never be able to plant code that runs at the next start). Anything else at the top of the
 * archive (the executable, logs, unknown names) is listed as refused and never installed.
 */
export const REPLACEABLE_ITEMS: ReadonlyMap<string, 'file' | 'directory'> = new Map([
  ['.env', 'file'], ['secrets', 'directory'], ['clients', 'directory'], ['profiles', 'directory'],
]);

/** Throw E_RESTORE when a staged item has the wrong type or holds anything executable or not a plain file/folder. */
function checkStagedItem(tree: string, item: string, want: 'file' | 'directory'): void {
  const walk = (abs: string, rel: string, top: boolean): void => {
    const st = lstatSync(abs);
    if (top && (want === 'file' ? !st.isFile() : !st.isDirectory())) {
      throw new AppError('E_RESTORE', `Refusing backup entry "${rel}": it must be a ${want === 'file' ? 'regular file' : 'folder'}`, { hint: 'the archive was crafted; nothing was replaced' });
    }
    if (st.isDirectory()) { for (const n of readdirSync(abs).sort()) walk(join(abs, n), `${rel}/${n}`, false); return; }
    if (!st.isFile()) throw new AppError('E_RESTORE', `Refusing backup entry "${rel}": not a regular file`, { hint: 'the archive was crafted; nothing was replaced' });
    if ((st.mode & 0o111) !== 0) throw new AppError('E_RESTORE', `Refusing backup entry "${rel}": it is executable, and a restore never installs executables`, { hint: 'the archive was crafted; nothing was replaced' });
  };
  walk(join(tree, item), item, true);
}

const JOURNAL_SCHEMA = z.object({ id: z.string(), staging: z.string(), tree: z.string(), previous: z.string(), items: z.array(z.string()) }).strict();
type Journal = z.infer<typeof JOURNAL_SCHEMA>;

function lexists(p: string): boolean {
  try { lstatSync(p); return true; } catch { return false; }
}

function swapItem(root: string, j: Journal, item: string): void {
  const staged = join(j.tree, item);
  if (!lexists(staged)) return;
  const live = join(root, item);
  if (lexists(live)) {
    let aside = join(j.previous, item);
    for (let n = 2; lexists(aside); n++) aside = join(j.previous, `${item}.${n}`);
    renameSync(live, aside);
  }
  renameSync(staged, live);
}

function finish(root: string, j: Journal): void {
  mkdirSync(j.previous, { recursive: true, mode: 0o700 });
  for (const item of j.items) swapItem(root, j, item);
  fsyncDirSync(root);
  unlinkSync(join(root, RESTORE_JOURNAL));
  fsyncDirSync(root);
  removeStaging(j.staging);
}

export interface ReplaceResult { items: string[]; previous: string; refused?: string[] }

/** Which staged top-level names will be installed and which are refused; throws on a crafted item. */
export function planReplace(tree: string, keepLive: ReadonlySet<string>): { items: string[]; refused: string[] } {
  const names = readdirSync(tree).sort();
  const items = names.filter((n) => REPLACEABLE_ITEMS.has(n) && !keepLive.has(n));
  const refused = names.filter((n) => !items.includes(n));
  for (const item of items) checkStagedItem(tree, item, REPLACEABLE_ITEMS.get(item) ?? 'directory');
  return { items, refused };
}

/** Swap the REPLACEABLE_ITEMS present in `tree` into the install; every other top-level name is refused. */
export function replaceLive(root: string, staged: { id: string; staging: string; tree: string }, keepLive: ReadonlySet<string>, previousName: string): ReplaceResult {
  const { items, refused } = planReplace(staged.tree, keepLive);
  let previous = join(root, previousName);
  for (let n = 2; existsSync(previous); n++) previous = join(root, `${previousName}-${n}`);
  const j: Journal = { id: staged.id, staging: staged.staging, tree: staged.tree, previous, items };
  writeFileAtomicSync(join(root, RESTORE_JOURNAL), `${JSON.stringify(j)}\n`, { mode: 0o600 });
  finish(root, j);
  return { items, previous, refused };
}

/** Finish a restore --replace interrupted by a crash; returns what was done, or undefined. */
export function recoverInterruptedRestore(root: string): ReplaceResult | undefined {
  const path = join(root, RESTORE_JOURNAL);
  if (!existsSync(path)) return undefined;
  let j: Journal;
  try { j = JOURNAL_SCHEMA.parse(JSON.parse(readFileSync(path, 'utf8'))); } catch (err) {
    throw new AppError('E_RESTORE', `The restore journal "${path}" is damaged`, { hint: 'inspect restore_previous_*/ and the .restore-* folder by hand, then delete the journal', cause: err });
  }
  finish(root, j);
  return { items: j.items, previous: j.previous };
}

/** Staging folders a pending journal still needs. */
export function journalStaging(root: string): Set<string> {
  const path = join(root, RESTORE_JOURNAL);
  if (!existsSync(path)) return new Set();
  try { return new Set([JOURNAL_SCHEMA.parse(JSON.parse(readFileSync(path, 'utf8'))).staging]); } catch { return new Set(); }
}
