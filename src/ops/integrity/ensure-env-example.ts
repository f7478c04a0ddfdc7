/**
 * @module A fresh install has no .env.example yet: write the embedded copy (byte for byte, so it
 * matches the signed manifest) when it is missing. An existing file is never overwritten: if it
 * differs, integrity reports it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { readAsset } from '../../lib/assets.ts';

export function ensureEnvExample(root: string): boolean {
  const path = join(root, '.env.example');
  if (existsSync(path)) return false;
  writeFileAtomicSync(path, readAsset('env.example'), { mode: 0o644 });
  return true;
}
