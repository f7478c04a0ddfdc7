/** @module The newest local backup by its name's UTC timestamp, whoever made it (watchdog or CLI). */
import { readdirSync } from 'node:fs';
import { backupSortKey, isBackupFileName } from './backup-name.ts';

export interface NewestBackup { file: string; at: string }

export function newestLocalBackup(backupsDir: string): NewestBackup | undefined {
  let names: string[];
  try { names = readdirSync(backupsDir).filter(isBackupFileName); } catch { return undefined; }
  const newest = names.sort((a, b) => backupSortKey(a).localeCompare(backupSortKey(b))).pop();
  if (!newest) return undefined;
  const [d, t] = backupSortKey(newest).split(/[_-]/);
  const at = `${d?.slice(0, 4)}-${d?.slice(4, 6)}-${d?.slice(6, 8)}T${t?.slice(0, 2)}:${t?.slice(2, 4)}:${t?.slice(4, 6)}Z`;
  return { file: newest, at };
}
