/**
 * @module Test helper: where the steering repo's `shared/` folder is (Cisco WSDL/XSD with
 * provenance; tests read them there, never copied into this repo).
 *
 * Resolved from this checkout's root (found from this file's location, so the cwd does not
 * matter), in this order:
 *   1. AIBRIDGE_SHARED_DIR, when set (any other layout);
 *   2. `<checkout>/../shared`: CI's fresh clone with shared/ beside it, and /work/main;
 *   3. `<checkout>/../../shared`: a worktree two levels down (/work/wt/issue-N).
 * When none exists the first candidate is returned, so the test fails naming the path it read.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This checkout's root: src/lib/testdata/ is three levels below it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

function candidates(): string[] {
  const env = process.env.AIBRIDGE_SHARED_DIR;
  return [...(env ? [resolve(env)] : []), resolve(REPO_ROOT, '..', 'shared'), resolve(REPO_ROOT, '..', '..', 'shared')];
}

/** The shared/ folder (see the module comment for the order). */
export function sharedDir(): string {
  const all = candidates();
  return all.find((d) => existsSync(join(d, 'cisco'))) ?? all[0]!;
}

/** A path under shared/, e.g. `sharedPath('cisco', 'axl', '14.0', 'AXLSoap.xsd')`. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}
