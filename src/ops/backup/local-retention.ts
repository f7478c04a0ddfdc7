/**
 * @module Keep the newest BACKUP_RETENTION backups in BACKUP_DIR; remove older ones with their
 * sidecars, orphan sidecars, and temp files left by a crash (the caller holds the operations lock,
 * so no temp file belongs to a live backup).
 */
import { readdirSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { backupSortKey, isBackupFileName } from './backup-name.ts';

export function applyLocalRetention(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const backups = names.filter(isBackupFileName).sort((a, b) => backupSortKey(a).localeCompare(backupSortKey(b)));
  const removed: string[] = [];
  for (const name of backups.slice(0, Math.max(0, backups.length - keep))) {
    for (const f of [name, `${name}.sha512`]) {
      try { unlinkSync(join(dir, f)); } catch { /* already gone */ }
    }
    removed.push(name);
  }
  for (const name of names) {
    const orphanSidecar = name.endsWith('.sha512') && isBackupFileName(name.slice(0, -7)) && !names.includes(name.slice(0, -7));
    const staleTemp = /^\.backup_.*\.tmp$/.test(name);
    if (orphanSidecar || staleTemp) try { unlinkSync(join(dir, name)); } catch { /* already gone */ }
  }
  return removed;
}
