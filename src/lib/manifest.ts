/** @module The release manifest: SHA-512 of every shipped file, signed RSA-PSS/SHA-512 separately. */
import { createHash } from 'node:crypto';

export interface Manifest { product: 'aibridge'; version: string; algorithm: 'sha512'; files: Record<string, string> }

export function sha512Hex(data: Uint8Array): string {
  return createHash('sha512').update(data).digest('hex');
}

/** Manifest of `files` (install-relative path → bytes), keys sorted for a stable text. */
export function buildManifest(version: string, files: Record<string, Uint8Array>): Manifest {
  const out: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) out[name] = sha512Hex(files[name] as Uint8Array);
  return { product: 'aibridge', version, algorithm: 'sha512', files: out };
}
