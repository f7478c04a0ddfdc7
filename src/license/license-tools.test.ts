import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { licensePolicy, licenseToolGate } from './license-tools.ts';
import { licenseForAgent } from './license-gate.ts';
import type { LicenseGate } from './license-gate.ts';
import type { LicenseStatus } from './verify-license.ts';
import { entitlementsOf } from './tiers.ts';
import { installLicense } from './install-license.ts';
import { issueLicense } from './sign-license.ts';
import { trustAnchorOf } from './trust-anchor.ts';
import { ensureInstallId } from './install-id.ts';

function fixed(status: LicenseStatus): LicenseGate {
  return { status, entitlements: () => status.entitlements, onChange: () => undefined };
}
const NOW = Date.UTC(2026, 11, 1);
const claims = { iss: 'aibridge-development' as const, sub: 'ACME', jti: 'abcdefgh', iat: 0, nbf: 0, exp: NOW / 1000 + 86_400, tier: 'essentials' as const, products: ['cucm' as const], features: [], grace_days: 7 };
const essentials = fixed({ state: 'VALID', reason: 'ok', claims, entitlements: entitlementsOf('essentials'), checkedAt: NOW });
const expired = fixed({ state: 'EXPIRED', reason: 'the licence expired on X', action: 'install a renewed licence', claims, checkedAt: NOW });
const invalid = fixed({ state: 'INVALID', reason: 'no licence: secrets/license.jwt does not exist', action: 'install one', checkedAt: NOW });

test('the tool gate hides unlicensed products and features, and names the licence state', () => {
  const g = licenseToolGate(essentials);
  assert.equal(g.allows({ product: 'cucm' }), true);
  assert.equal(g.allows({ product: 'common' }), true);
  assert.equal(g.allows({ product: 'imp' }), false);
  assert.equal(g.allows({ product: 'cuc' }), false);
  assert.equal(g.allows({ product: 'cucm', feature: 'reports' }), false);
  assert.equal(g.allows({ product: 'cucm', feature: 'cucm.axl' }), true, 'a feature string outside the tiers table requires nothing more');
  assert.match(g.name, /the essentials licence covers cucm, not this tool/);
  for (const gate of [expired, invalid]) {
    const x = licenseToolGate(gate);
    assert.equal(x.allows({ product: 'cucm' }), false);
    assert.equal(x.allows({ product: 'common' }), false, 'credentials_status is a product-module tool too');
    assert.equal(x.allows({ product: 'common', introspection: true }), true);
    assert.match(x.name, new RegExp(`the licence is ${gate.status.state}: .*only aibridge_whoami and aibridge_check_access work`));
  }
});

test('the policy denies a call whose target addresses an unlicensed product', () => {
  const p = licensePolicy(essentials);
  const tool = { name: 'cucm_axl_describe', product: 'cucm' };
  assert.deepEqual(p.decide({ tool, target: {} }), { kind: 'allow' });
  assert.deepEqual(p.decide({ tool, target: { product: 'cucm' } }), { kind: 'allow' });
  const d = p.decide({ tool, target: { product: 'imp' } });
  assert.equal(d.kind, 'deny');
  assert.match(d.kind === 'deny' ? d.reason : '', /covers cucm, not imp \(IM and Presence\)/);
  assert.deepEqual(licensePolicy(expired).decide({ tool: { name: 'aibridge_whoami', product: 'common', introspection: true }, target: {} }), { kind: 'allow' });
});

test('the agent view explains an EXPIRED or INVALID state and what to do', () => {
  const e = licenseForAgent(expired, NOW);
  assert.equal(e?.state, 'EXPIRED');
  assert.match(String(e?.effect), /only aibridge_whoami and aibridge_check_access/);
  assert.equal(e?.what_to_do, 'install a renewed licence');
  const i = licenseForAgent(invalid, NOW);
  assert.match(String(i?.explanation), /no licence/);
  const v = licenseForAgent(essentials, NOW);
  assert.deepEqual(v?.products, ['cucm']);
  assert.equal(v?.days_left, 1);
  assert.equal(v?.effect, undefined);
});

test('license install refuses what is not VALID or GRACE and writes 600, fixing a wider mode', async (t) => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const anchor = trustAnchorOf(key.publicKey, 'development');
  const root = mkdtempSync(join(tmpdir(), 'lic-inst-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const secretsDir = join(root, 'secrets');
  mkdirSync(secretsDir, { mode: 0o700 });
  const inputs = { secretsDir, anchor, installId: ensureInstallId(secretsDir), clientCount: 1 };
  // The licence to install lives beside secrets/, inside the test's own folder (never in /tmp itself).
  const file = join(root, 'new.jwt');
  const issue = async (days: number, extra = {}): Promise<void> => {
    writeFileSync(file, `${(await issueLicense({ customer: 'ACME', tier: 'enterprise', days, now: NOW, ...extra }, key.privateKey, key.publicKey, 'development')).token}\r\n`);
  };
  await issue(-30);
  await assert.rejects(installLicense(file, inputs, NOW), /refused: the licence is EXPIRED/);
  await issue(30, { installId: 'another-install' });
  await assert.rejects(installLicense(file, inputs, NOW), /refused: the licence is INVALID: the licence is bound to install another-install/);
  assert.equal(existsSync(join(secretsDir, 'license.jwt')), false, 'nothing installed');
  writeFileSync(file, Buffer.alloc(64, 0xff));
  await assert.rejects(installLicense(file, inputs, NOW), /binary data; nothing was installed|binary data/);
  writeFileSync(join(secretsDir, 'license.jwt'), 'old', { mode: 0o644 });
  chmodSync(join(secretsDir, 'license.jwt'), 0o644);
  await issue(-2, { graceDays: 7 });
  assert.equal((await installLicense(file, inputs, NOW)).state, 'GRACE');
  assert.equal(statSync(join(secretsDir, 'license.jwt')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(secretsDir, 'license.jwt'), 'utf8').trim(), readFileSync(file, 'utf8').trim());
});
