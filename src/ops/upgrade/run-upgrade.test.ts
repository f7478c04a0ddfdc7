import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { writeUpgradePackage } from './write-package.ts';
import { runUpgrade } from './run-upgrade.ts';
import { AppError } from '../../lib/errors.ts';
import { recoverInterruptedUpgrade } from './apply-upgrade.ts';

const release = generateKeyPairSync('rsa', { modulusLength: 2048 });
const say = (): void => undefined;

async function makePackage(version: string, key: KeyObject = release.privateKey, newExample = '# A=1\n# NEW_KEY=42\n'): Promise<string> {
  const src = mkdtempSync(join(tmpdir(), 'pkgsrc-'));
  writeFileSync(join(src, 'bin'), `new binary ${version}`);
  writeFileSync(join(src, 'example'), newExample);
  writeFileSync(join(src, 'admin.json'), '{"name":"admin"}');
  const out = join(src, `aibridge-${version}.tar.gz`);
  await writeUpgradePackage({ version, key, out, changelog: [`release ${version}`], files: { aibridge: join(src, 'bin'), '.env.example': join(src, 'example'), 'profiles/_default/admin.json': join(src, 'admin.json') } });
  return out;
}

function target(): { dir: string } {
  const inst = fixtureInstall(['A=customer']);
  writeFileSync(join(inst.dir, 'aibridge'), 'old binary');
  writeFileSync(join(inst.dir, '.env.example'), '# A=1\n');
  return inst;
}

test('upgrade --dry-run reports files and .env changes and changes nothing', async () => {
  const inst = target();
  const pkg = await makePackage('0.2.0');
  const before = readFileSync(join(inst.dir, '.env'), 'utf8');
  const r = await runUpgrade(inst.dir, { file: pkg, cwd: inst.dir, dryRun: true, backup: true, currentVersion: '0.1.0', releaseKey: release.publicKey }, say);
  assert.equal(r.applied, false);
  const report = r.report.join('\n');
  assert.match(report, /0\.1\.0 -> 0\.2\.0/);
  assert.match(report, /replaced\s+aibridge/);
  assert.match(report, /created\s+profiles\/_default\/admin\.json/);
  assert.match(report, /added\s+NEW_KEY/);
  assert.equal(readFileSync(join(inst.dir, '.env'), 'utf8'), before);
  assert.equal(readFileSync(join(inst.dir, 'aibridge'), 'utf8'), 'old binary');
  assert.equal(existsSync(join(inst.dir, 'backups')), false);
});

test('upgrade applies files atomically, merges .env and makes a pre-upgrade backup', async () => {
  const inst = target();
  const r = await runUpgrade(inst.dir, { file: await makePackage('0.2.0'), cwd: inst.dir, dryRun: false, backup: true, currentVersion: '0.1.0', releaseKey: release.publicKey }, say);
  assert.equal(r.applied, true);
  assert.equal(readFileSync(join(inst.dir, 'aibridge'), 'utf8'), 'new binary 0.2.0');
  assert.equal(statSync(join(inst.dir, 'aibridge')).mode & 0o777, 0o755);
  const env = readFileSync(join(inst.dir, '.env'), 'utf8');
  assert.match(env, /^A=customer$/m);
  assert.match(env, /# ADDED by upgrade v0\.2\.0\nNEW_KEY=42\n/);
  assert.match(env, /^PROJECT_VERSION=0\.2\.0$/m);
  assert.ok(r.backupFile && existsSync(r.backupFile));
  assert.deepEqual(readdirSync(inst.dir).filter((n) => n.includes('upgrade')), []);
});

test('upgrade refuses downgrades, same version, a foreign signature and a tampered package', async () => {
  const inst = target();
  const base = { cwd: inst.dir, dryRun: true, backup: false, currentVersion: '0.3.0', releaseKey: release.publicKey };
  await assert.rejects(runUpgrade(inst.dir, { ...base, file: await makePackage('0.2.9') }, say), /Downgrade refused/);
  await assert.rejects(runUpgrade(inst.dir, { ...base, file: await makePackage('0.3.0') }, say), /already installed/);
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await assert.rejects(runUpgrade(inst.dir, { ...base, file: await makePackage('0.4.0', foreign) }, say), (e: unknown) => e instanceof AppError && e.code === 'E_UPGRADE' && /signature/.test(e.message));
  const pkg = await makePackage('0.4.0');
  const bytes = readFileSync(pkg);
  bytes[bytes.length - 30] = (bytes[bytes.length - 30] as number) ^ 0xff;
  writeFileSync(pkg, bytes);
  await assert.rejects(runUpgrade(inst.dir, { ...base, file: pkg }, say), (e: unknown) => e instanceof AppError && e.code === 'E_UPGRADE');
  assert.deepEqual(readdirSync(inst.dir).filter((n) => n.startsWith('.restore-')), []);
});

test('an interrupted upgrade: stray files without a journal are removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upg-'));
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'aibridge.upgrade-new'), 'partial');
  assert.match(recoverInterruptedUpgrade(dir, ['aibridge']) ?? '', /interrupted before/);
  assert.equal(existsSync(join(dir, 'aibridge.upgrade-new')), false);
});
