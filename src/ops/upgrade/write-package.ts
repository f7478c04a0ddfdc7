/**
 * @module Build a signed upgrade package (used by scripts/release-package.ts and the tests):
 * upgrade.json listing each payload's SHA-512, its RSA-PSS signature, and files/<path>.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { signPss } from '../../keys/pss-signature.ts';
import { sha512Hex } from '../../lib/manifest.ts';
import { PACKAGE_MANIFEST, PACKAGE_SIGNATURE, PAYLOAD_DIR, UPGRADE_MANIFEST_SCHEMA, type UpgradeManifest } from './package-manifest.ts';

export interface PackageInput { version: string; files: Record<string, string>; changelog?: string[]; postUpgrade?: string[]; key: KeyObject; out: string }

/** Write the package; `files` maps install path → source file. Returns the manifest. */
export async function writeUpgradePackage(input: PackageInput): Promise<UpgradeManifest> {
  const data: Record<string, Buffer> = {};
  for (const [rel, src] of Object.entries(input.files)) data[rel] = readFileSync(src);
  const manifest = UPGRADE_MANIFEST_SCHEMA.parse({
    product: 'aibridge', kind: 'upgrade', version: input.version, created: new Date().toISOString(),
    changelog: input.changelog ?? [], post_upgrade: input.postUpgrade ?? ['start the server: aibridge serve'],
    files: Object.fromEntries(Object.keys(data).sort().map((k) => [k, sha512Hex(data[k] as Buffer)])),
  });
  const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const pack = tarStream.pack();
  const add = (name: string, body: Buffer, mode = 0o644): void => { pack.entry({ name, mode, size: body.length }, body); };
  add(PACKAGE_MANIFEST, text);
  add(PACKAGE_SIGNATURE, Buffer.from(`${signPss(input.key, text).toString('base64')}\n`));
  for (const [rel, body] of Object.entries(data)) add(`${PAYLOAD_DIR}/${rel}`, body, rel === 'aibridge' ? 0o755 : 0o644);
  pack.finalize();
  await pipeline(pack as unknown as NodeJS.ReadableStream, createGzip(), createWriteStream(input.out, { mode: 0o644 }) as Writable);
  return manifest;
}
