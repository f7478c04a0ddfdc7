/**
 * @module Archive names for rotated keys: <key file>.archived.YYYYMMDD, then .archived.YYYYMMDD-2,
 * -3… for further rotations the same day, so an archive is never overwritten. The private and
 * public archives share the suffix.
 */
import { existsSync } from 'node:fs';
import { fileDate } from '../common/timestamp.ts';

export function archiveSuffix(privatePath: string, publicPath: string, now: Date): string {
  const day = fileDate(now);
  for (let n = 1; ; n++) {
    const suffix = `.archived.${day}${n > 1 ? `-${n}` : ''}`;
    if (!existsSync(privatePath + suffix) && !existsSync(publicPath + suffix)) return suffix;
  }
}
