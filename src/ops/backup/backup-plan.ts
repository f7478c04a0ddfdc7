/**
 * @module What a backup holds: every file and folder of the install (.env, secrets, clients,
 * profiles, logs…) except BACKUP_EXCLUDE_DIRS, the backups folder, the executable itself (it is
 * reinstalled from the signed release, and is 150 MB), restore folders, lock, pid and temp files.
 * Symbolic links, sockets and devices are skipped and reported, never followed.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { resolveInstallPath } from '../../config/load-config.ts';
import { OPS_LOCK_FILE } from '../common/ops-lock.ts';

export interface PlanEntry { rel: string; abs: string; type: 'file' | 'directory'; mode: number; mtime: Date; size: number }
export interface BackupPlan { entries: PlanEntry[]; totalBytes: number; skipped: string[]; outside: string[] }

/** Names at the install root that are software or transient state, not configuration. */
const ROOT_SKIP = new Set(['aibridge', 'aibridge.pid', OPS_LOCK_FILE, 'upgrade', 'node_modules']);
const ROOT_SKIP_RE = /^(restore_|\.restore-|\.upgrade-|restore_previous_)/;
const FILE_SKIP_RE = /(^\..*\.tmp$|\.lock$|\.(rotate|upgrade)-new$)/;

function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && r !== '..');
}

/** Excluded absolute paths from BACKUP_EXCLUDE_DIRS plus the backups folder. */
export function excludedPaths(config: Config): string[] {
  const root = config.paths.root;
  return [...config.env.BACKUP_EXCLUDE_DIRS.map((d) => resolveInstallPath(root, d)), resolve(config.paths.backupsDir)];
}

/** Walk the install (sorted, deterministic) and list what goes into the archive. */
export function planBackup(config: Config): BackupPlan {
  const root = config.paths.root;
  const excluded = excludedPaths(config);
  const plan: BackupPlan = { entries: [], totalBytes: 0, skipped: [], outside: [] };
  for (const p of [config.paths.secretsDir, config.paths.clientsDir, config.paths.logsDir]) {
    if (!isInside(root, p)) plan.outside.push(p);
  }
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(root, abs).split(sep).join('/');
      if (dir === root && (ROOT_SKIP.has(name) || ROOT_SKIP_RE.test(name))) continue;
      if (FILE_SKIP_RE.test(name)) continue;
      if (excluded.some((e) => isInside(e, abs))) continue;
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        plan.entries.push({ rel, abs, type: 'directory', mode: st.mode & 0o777, mtime: st.mtime, size: 0 });
        walk(abs);
      } else if (st.isFile()) {
        plan.entries.push({ rel, abs, type: 'file', mode: st.mode & 0o777, mtime: st.mtime, size: st.size });
        plan.totalBytes += st.size;
      } else {
        plan.skipped.push(`${rel} (${st.isSymbolicLink() ? 'symbolic link' : 'not a regular file'})`);
      }
    }
  };
  walk(root);
  return plan;
}
