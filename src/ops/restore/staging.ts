/**
 * @module Private staging folders for restores: `<install>/.restore-XXXXXX` (mode 700, same file
 * system as the target so the final step is a rename). A crash leaves one behind; the next restore
 * (holding the operations lock) removes any that no journal refers to.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const STAGING_PREFIX = '.restore-';

export function createStaging(root: string): string {
  return mkdtempSync(join(root, STAGING_PREFIX));
}

export function removeStaging(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Remove stale staging folders except `keep`. */
export function cleanStaleStaging(root: string, keep: ReadonlySet<string> = new Set()): void {
  for (const name of readdirSync(root)) {
    if (name.startsWith(STAGING_PREFIX) && !keep.has(join(root, name))) removeStaging(join(root, name));
  }
}
