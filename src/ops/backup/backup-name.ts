/**
 * @module Backup file names: backup_<version>_<hostname>_<YYYYMMDD_HHMMSS>.tar.gz.enc (UTC). The
 * backup id is the part between "backup_" and ".tar.gz.enc"; restore extracts to restore_<id>/.
 */
import { fileTimestamp } from '../common/timestamp.ts';
import { safeHostName } from '../common/host-name.ts';

export const BACKUP_SUFFIX = '.tar.gz.enc';
// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const NAME_RE = /^backup_([A-Za-z0-9._-]+)_(\d{8}_\d{6})(?:-(\d+))?\.tar\.gz\.enc$/;

/** Version text safe for a file name. */
function safeVersion(version: string): string {
  return version.replace(/[^A-Za-z0-9.-]/g, '-') || 'unknown';
}

/** The id for a backup made now; `n` > 1 disambiguates two backups in the same second. */
export function backupId(version: string, now: Date, n = 1, host = safeHostName()): string {
  return `${safeVersion(version)}_${host}_${fileTimestamp(now)}${n > 1 ? `-${n}` : ''}`;
}

export function backupFileName(id: string): string {
  return `backup_${id}${BACKUP_SUFFIX}`;
}

/** True for names this program writes as backups. */
export function isBackupFileName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Sort key: timestamp then counter, so retention removes the oldest first. */
export function backupSortKey(name: string): string {
  const m = NAME_RE.exec(name);
  return m ? `${m[2]}-${(m[3] ?? '1').padStart(6, '0')}` : '';
}
