/**
 * @module A fresh install holds only the binary and its manifest: at server start-up, write the
 * shipped files that are missing (.env.example, profiles/_default/*.json, the signed SBOM) from the copies embedded
 * in the binary, byte for byte, so they match the signed manifest. An existing file is never
 * overwritten: if it differs, the integrity check reports it. Each file written is reported so
 * the caller can log it (a deleted shipped file is restored from the verified binary, visibly).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { readAsset } from '../../lib/assets.ts';

/** Install path → embedded asset name. */
export const SHIPPED_FILES: Readonly<Record<string, string>> = {
  '.env.example': 'env.example',
  'profiles/_default/admin.json': 'profiles/admin.json',
  'profiles/_default/operator.json': 'profiles/operator.json',
  'profiles/_default/auditor.json': 'profiles/auditor.json',
  'profiles/_default/approver.json': 'profiles/approver.json',
  'aibridge.cdx.json': 'sbom.cdx.json',
  'aibridge.cdx.json.sig': 'sbom.cdx.json.sig',
};

export function ensureShippedFiles(root: string): string[] {
  const written: string[] = [];
  for (const [rel, asset] of Object.entries(SHIPPED_FILES)) {
    const path = join(root, rel);
    if (existsSync(path)) continue;
    writeFileAtomicSync(path, readAsset(asset), { mode: 0o644, dirMode: 0o755 });
    written.push(rel);
  }
  return written;
}
