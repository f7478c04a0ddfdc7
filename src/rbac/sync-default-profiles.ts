/**
 * @module Start-up step 3: copy the shipped profiles (embedded assets, byte-identical to
 * `profiles/_default/*.json`) into `profiles/`, so an upgrade refreshes them. Custom profiles
 * are never touched; a default already identical is not rewritten.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readAssetText } from '../lib/assets.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { readProfileFile } from './read-profile-file.ts';

export const DEFAULT_PROFILES = ['admin', 'operator', 'auditor', 'approver'] as const;

export interface SyncReport { written: string[]; unchanged: string[] }

function currentText(path: string): string | undefined {
  const r = readProfileFile(path);
  return r.ok ? r.text : undefined;
}

/** Write each default profile whose file is missing or differs (a symlink is replaced, not followed). */
export function syncDefaultProfiles(dir: string, read: (asset: string) => string = readAssetText): SyncReport {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const report: SyncReport = { written: [], unchanged: [] };
  for (const name of DEFAULT_PROFILES) {
    const text = read(`profiles/${name}.json`);
    const path = join(dir, `${name}.json`);
    if (currentText(path) === text) { report.unchanged.push(name); continue; }
    writeFileAtomicSync(path, text, { mode: 0o644, dirMode: 0o755 });
    report.written.push(name);
  }
  return report;
}
