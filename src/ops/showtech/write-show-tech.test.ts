import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { unzipSync, strFromU8 } from 'fflate';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { writeShowTech } from './write-show-tech.ts';
import { storeSftpPassword } from '../backup/sftp/store-sftp-password.ts';
import { createBackup } from '../backup/create-backup.ts';
import { AppError } from '../../lib/errors.ts';
import { BUNDLED_DEPENDENCIES } from './bundled-dependencies.ts';

const HASH = '$2b$12$abcdefghijklmnopqrstuuSecretHashCanaryXXXXXXXXXXXXXXXXX';
const TOKEN_BODY = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImNhbmFyeSI6InRva2VuLWNhbmFyeS0xMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWNhbmFyeS1hYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg';

function plant(dir: string): string[] {
  writeFileSync(join(dir, 'clients', 'alice', 'secrets', '.token'), `${TOKEN_BODY}\n`);
  writeFileSync(join(dir, 'clients', 'alice', 'secrets', '.secret_hash'), `${HASH}\n`);
  writeFileSync(join(dir, 'clients', 'alice', 'secrets', 'credentials.enc'), 'Q1JFREVOVElBTFMtQ0FOQVJZLWF4bC1wYXNzd29yZC1odW50ZXIy\n');
  writeFileSync(join(dir, 'secrets', 'license.jwt'), 'LICENSE-CANARY-0123456789abcdefghijklmnopqrstuvwxyz\n');
  appendFileSync(join(dir, '.env'), 'CISCO_NODES=cucm1:10.0.0.1\n');
  return ['PRIVATE KEY', 'token-canary', TOKEN_BODY.slice(20, 60), HASH.slice(0, 30), 'Q1JFREVOVElBTFMtQ0FOQVJZ', 'LICENSE-CANARY', 'rsa-oaep-sha512:'];
}

function bundleText(zip: string): Record<string, string> {
  const files = unzipSync(readFileSync(zip));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strFromU8(v)]));
}

test('show-tech bundles the spec items and none of the planted secrets', async () => {
  const inst = fixtureInstall();
  const canaries = plant(inst.dir);
  storeSftpPassword(inst.config(), 'sftp-pass-canary-7731');
  await createBackup(inst.config());
  appendFileSync(join(inst.dir, 'logs', 'app.log'), `{"event":"oops","detail":"Bearer ${TOKEN_BODY}"}\n`);
  const out = mkdtempSync(join(tmpdir(), 'st-'));
  const zip = await writeShowTech(inst.config(), { outputDir: out, withLogs: true, zip: true });
  assert.match(zip, /show_tech_[A-Za-z0-9.-]+_\d{8}_\d{6}\.zip$/);
  const files = bundleText(zip);
  const names = Object.keys(files).map((n) => n.split('/').slice(1).join('/')).sort();
  assert.deepEqual(names, ['backups.txt', 'clients.txt', 'dependencies.json', 'env.redacted.txt', 'integrity.txt', 'license.txt', 'logs/app.log', 'system.txt']);
  const all = Object.values(files).join('\n');
  for (const c of canaries) assert.equal(all.includes(c), false, `bundle holds ${c}`);
  assert.equal(all.includes('sftp-pass-canary-7731'), false);
  assert.match(all, /BACKUP_SFTP_PASSWORD_ENC=\[REDACTED\]/);
  assert.match(all, /- alice/);
  assert.match(all, /CISCO_NODES=cucm1:10.0.0.1/);
  assert.equal(/\.tar\.gz\.enc/.test(Object.keys(files).join()), false, 'no backup archive inside');
});

test('show-tech --no-logs --no-zip writes a folder without logs', async () => {
  const inst = fixtureInstall();
  const out = mkdtempSync(join(tmpdir(), 'st-'));
  const dir = await writeShowTech(inst.config(), { outputDir: out, withLogs: false, zip: false });
  assert.ok(!existsSync(join(dir, 'logs')));
  assert.ok(readdirSync(dir).includes('env.redacted.txt'));
});

test('show-tech refuses to write a bundle when a secret fragment would remain', async () => {
  const inst = fixtureInstall();
  plant(inst.dir);
  // A fragment that is not the whole value (so it cannot be masked) and not a JWT shape.
  appendFileSync(join(inst.dir, 'logs', 'app.log'), `{"event":"x","v":"${HASH.slice(7, 50)}"}\n`);
  const out = mkdtempSync(join(tmpdir(), 'st-'));
  await assert.rejects(writeShowTech(inst.config(), { outputDir: out, withLogs: true, zip: true }), (e: unknown) => e instanceof AppError && /logs\/app\.log would contain/.test(e.message));
  assert.deepEqual(readdirSync(out), []);
});

test('BUNDLED_DEPENDENCIES matches package-lock.json', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> };
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const expected = Object.fromEntries(Object.keys(pkg.dependencies).sort().map((d) => [d, lock.packages[`node_modules/${d}`]?.version]));
  assert.deepEqual({ ...BUNDLED_DEPENDENCIES }, expected);
});

test('show-tech --output naming a file or a device is refused', async () => {
  const inst = fixtureInstall();
  await assert.rejects(writeShowTech(inst.config(), { outputDir: join(inst.dir, '.env'), withLogs: false, zip: true }), /is not a folder/);
  await assert.rejects(writeShowTech(inst.config(), { outputDir: '/dev/null', withLogs: false, zip: true }), /is not a folder/);
});
