import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildManifest } from '../../lib/manifest.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { verifyInstall, describeProblems } from './verify-install.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function install(): string {
  const dir = mkdtempSync(join(tmpdir(), 'integ-'));
  mkdirSync(join(dir, 'profiles', '_default'), { recursive: true });
  const files: Record<string, Buffer> = { aibridge: Buffer.from('binary'), '.env.example': Buffer.from('# x\n'), 'profiles/_default/admin.json': Buffer.from('{}') };
  for (const [rel, b] of Object.entries(files)) writeFileSync(join(dir, rel), b);
  const text = `${JSON.stringify(buildManifest('1.2.3', files), null, 2)}\n`;
  writeFileSync(join(dir, 'manifest.json'), text);
  writeFileSync(join(dir, 'manifest.sig'), signPss(privateKey, Buffer.from(text)).toString('base64'));
  return dir;
}

test('verifyInstall() passes an intact install', async () => {
  const r = await verifyInstall(install(), publicKey);
  assert.deepEqual([r.ok, r.signature, r.checked, r.version], [true, 'valid', 3, '1.2.3']);
});

test('verifyInstall() names altered, missing and unlisted files with expected and actual hashes (T-BK-15)', async () => {
  const dir = install();
  appendFileSync(join(dir, 'aibridge'), 'x');
  rmSync(join(dir, '.env.example'));
  writeFileSync(join(dir, 'profiles', '_default', 'evil.json'), '{}');
  const r = await verifyInstall(dir, publicKey);
  assert.equal(r.ok, false);
  const lines = describeProblems(r);
  assert.ok(lines.some((l) => /^altered: aibridge: expected sha512 [0-9a-f]{128}, actual [0-9a-f]{128}$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('missing: .env.example')));
  assert.ok(lines.some((l) => l.startsWith('unlisted: profiles/_default/evil.json')));
});

test('verifyInstall() refuses an edited manifest, a foreign signature and a missing manifest', async () => {
  const dir = install();
  appendFileSync(join(dir, 'manifest.json'), ' ');
  assert.equal((await verifyInstall(dir, publicKey)).signature, 'invalid');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  assert.equal((await verifyInstall(install(), other)).signature, 'invalid');
  const d3 = install();
  rmSync(join(d3, 'manifest.sig'));
  const r = await verifyInstall(d3, publicKey);
  assert.deepEqual([r.ok, r.signature], [false, 'missing']);
});

const later = (): number => Date.now() + 10_000;

test('verifyInstall() accepts a file by its unchanged verified identity and hashes a changed one', async () => {
  const dir = install();
  const full = await verifyInstall(dir, publicKey, { now: later });
  assert.deepEqual([full.ok, full.checked, full.hashed, Object.keys(full.verified).length], [true, 3, 3, 3]);
  const again = await verifyInstall(dir, publicKey, { known: full.verified });
  assert.deepEqual([again.ok, again.checked, again.hashed, Object.keys(again.verified).length], [true, 3, 0, 0]);
  // Same size, mtime set back: ctime still moves, so the file is read again and found altered.
  const bin = join(dir, 'aibridge');
  const { atime, mtime } = statSync(bin);
  // Past the timestamp resolution (a kernel tick on Node; whole seconds for ctime on Deno): the racy margin covers this in production.
  await new Promise((r) => setTimeout(r, 1100));
  writeFileSync(bin, 'BINARY');
  utimesSync(bin, atime, mtime);
  const changed = await verifyInstall(dir, publicKey, { known: full.verified });
  assert.deepEqual([changed.ok, changed.hashed], [false, 1]);
  assert.ok(describeProblems(changed).some((l) => l.startsWith('altered: aibridge')));
  assert.equal(changed.verified[bin], undefined, 'an altered file is never recorded');
});

test('verifyInstall() ignores a record made for another expected hash and never records a file changed just before', async () => {
  const dir = install();
  const full = await verifyInstall(dir, publicKey, { now: later });
  const forged = Object.fromEntries(Object.entries(full.verified).map(([p, e]) => [p, { ...e, sha512: 'a'.repeat(128) }]));
  assert.equal((await verifyInstall(dir, publicKey, { known: forged })).hashed, 3);
  assert.deepEqual(Object.keys((await verifyInstall(dir, publicKey)).verified), [], 'files written within the racy margin');
});
