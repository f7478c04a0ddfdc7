import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { verifyLicense, daysUntil } from './verify-license.ts';
import type { LicenseStatus, VerifyContext } from './verify-license.ts';
import { issueLicense, licenseClaimsFor, signLicenseClaims } from './sign-license.ts';
import type { LicenseRequest } from './sign-license.ts';
import { trustAnchorOf } from './trust-anchor.ts';
import type { KeyKind } from './trust-anchor.ts';
import { LICENSE_TYP } from './license-claims.ts';
import { entitles } from './tiers.ts';

// 2048-bit keys keep the test fast; the verifier does not depend on the size.
const ours = generateKeyPairSync('rsa', { modulusLength: 2048 });
const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const DAY = 86_400_000;
const INSTALL = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const OTHER_INSTALL = '11111111-2222-4333-8444-555555555555';

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return { anchor: trustAnchorOf(ours.publicKey, 'development'), now: NOW, installId: INSTALL, clientCount: 3, ...over };
}

async function issue(req: Partial<LicenseRequest> = {}, kind: KeyKind = 'development', key: { privateKey: KeyObject; publicKey: KeyObject } = ours): Promise<string> {
  return (await issueLicense({ customer: 'ACME Bank', tier: 'enterprise', days: 30, now: NOW, ...req }, key.privateKey, key.publicKey, kind)).token;
}

function b64(v: unknown): string {
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
}

function parts(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [JSON.parse(Buffer.from(h, 'base64url').toString()), JSON.parse(Buffer.from(p, 'base64url').toString()), s];
}

function invalidBecause(s: LicenseStatus, re: RegExp): void {
  assert.equal(s.state, 'INVALID', `expected INVALID, got ${s.state}: ${s.reason}`);
  assert.match(s.reason, re);
  assert.ok(s.action, 'an INVALID state says what to do');
  assert.equal(s.entitlements, undefined, 'INVALID unlocks nothing');
}

test('a fresh enterprise licence is VALID and unlocks every product and feature', async () => {
  for (const alg of ['RS256', 'PS256'] as const) {
    const s = await verifyLicense(await issue({ alg }), ctx());
    assert.equal(s.state, 'VALID', s.reason);
    assert.deepEqual(s.entitlements, { tier: 'enterprise', products: ['cucm', 'imp', 'cuc'], features: ['serviceability', 'reports', 'scale-out'] });
    assert.equal(s.claims?.sub, 'ACME Bank');
    assert.equal(s.action, undefined);
  }
});

test('tiers and --products decide the products; a tool of another product is not entitled', async () => {
  const ess = await verifyLicense(await issue({ tier: 'essentials' }), ctx());
  assert.deepEqual(ess.entitlements?.products, ['cucm']);
  assert.deepEqual(ess.entitlements?.features, []);
  const pro = await verifyLicense(await issue({ tier: 'professional' }), ctx());
  assert.deepEqual(pro.entitlements?.products, ['cucm', 'imp']);
  const narrowed = await verifyLicense(await issue({ tier: 'enterprise', products: ['cuc'] }), ctx());
  assert.deepEqual(narrowed.entitlements?.products, ['cuc']);
  assert.equal(entitles(ess.entitlements, { product: 'cucm' }), true);
  assert.equal(entitles(ess.entitlements, { product: 'imp' }), false);
  assert.equal(entitles(ess.entitlements, { product: 'cucm', feature: 'reports' }), false);
  assert.equal(entitles(ess.entitlements, { product: 'common' }), true);
  assert.equal(entitles(undefined, { product: 'common' }), false, 'without a licence even common tools are off');
  assert.equal(entitles(undefined, { product: 'common', introspection: true }), true);
  assert.throws(() => licenseClaimsFor({ customer: 'x', tier: 'essentials', days: 1, products: ['cuc'] }, 'development'), /not in the essentials tier/);
});

test('VALID until exp, GRACE within grace_days, EXPIRED after; days left counted to exp', async () => {
  const t = await issue({ days: 10, graceDays: 5 });
  assert.equal((await verifyLicense(t, ctx({ now: NOW + 10 * DAY - 1000 }))).state, 'VALID');
  const g = await verifyLicense(t, ctx({ now: NOW + 12 * DAY }));
  assert.equal(g.state, 'GRACE');
  assert.match(g.reason, /grace period ends .* \(3 days left\)/);
  assert.ok(g.entitlements, 'GRACE keeps the tools');
  const e = await verifyLicense(t, ctx({ now: NOW + 15 * DAY }));
  assert.equal(e.state, 'EXPIRED');
  assert.equal(e.entitlements, undefined);
  assert.match(e.action ?? '', /license install/);
  assert.equal(daysUntil((NOW + 30 * DAY) / 1000, NOW + 1000), 30);
  assert.equal(daysUntil((NOW - 2 * DAY) / 1000 - 10, NOW), -2);
  assert.equal(daysUntil((NOW - DAY / 2) / 1000, NOW), 0);
  // Issued already expired (for tests of expiry): --days -2 with 7 grace days is GRACE now.
  assert.equal((await verifyLicense(await issue({ days: -2, graceDays: 7 }), ctx())).state, 'GRACE');
  assert.equal((await verifyLicense(await issue({ days: -30, graceDays: 7 }), ctx())).state, 'EXPIRED');
  assert.equal((await verifyLicense(await issue({ days: 30, graceDays: 0 }), ctx({ now: NOW + 30 * DAY }))).state, 'EXPIRED');
});

test('alg none is refused', async () => {
  const [h, p] = parts(await issue());
  invalidBecause(await verifyLicense(`${b64({ ...h, alg: 'none' })}.${b64(p)}.`, ctx()), /algorithm "none"/);
  invalidBecause(await verifyLicense(`${b64({ ...h, alg: 'none' })}.${b64(p)}.AA`, ctx()), /algorithm "none"/);
});

test('HS256 keyed with the public key (algorithm confusion) is refused', async () => {
  const [h, p] = parts(await issue());
  const pem = ours.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  for (const secret of [pem, ours.publicKey.export({ type: 'spki', format: 'der' })]) {
    const input = `${b64({ ...h, alg: 'HS256' })}.${b64(p)}`;
    const sig = createHmac('sha256', secret).update(input).digest('base64url');
    invalidBecause(await verifyLicense(`${input}.${sig}`, ctx()), /algorithm "HS256"; only RS256 and PS256/);
  }
  for (const alg of ['ES256', 'RS512', 'PS512', 'EdDSA', 'rs256', '']) {
    invalidBecause(await verifyLicense(`${b64({ ...h, alg })}.${b64(p)}.AAAA`, ctx()), /only RS256 and PS256/);
  }
});

test('a licence signed by a foreign key is refused, with or without our kid', async () => {
  const f = await issue({}, 'development', foreign);
  invalidBecause(await verifyLicense(f, ctx()), /signed by another key \(kid /);
  // Same header (our kid) but a foreign signature, as the acceptance check forges it.
  const [h, p] = parts(await issue());
  const forged = await new CompactSign(Buffer.from(JSON.stringify(p))).setProtectedHeader({ ...h, alg: 'RS256' } as never).sign(foreign.privateKey);
  invalidBecause(await verifyLicense(forged, ctx()), /does not verify with the release key built into this binary/);
});

test('tampered claims (tier, exp, products, install binding removed) are refused', async () => {
  const t = await issue({ tier: 'essentials', installId: INSTALL, maxClients: 5 });
  const [h, p, s] = parts(t);
  const tamper = async (change: Record<string, unknown>, drop: string[] = []): Promise<LicenseStatus> => {
    const c: Record<string, unknown> = { ...p, ...change };
    for (const k of drop) delete c[k];
    return verifyLicense(`${b64(h)}.${b64(c)}.${s}`, ctx());
  };
  invalidBecause(await tamper({ tier: 'enterprise' }), /does not verify/);
  invalidBecause(await tamper({ tier: 'unlimited', exp: (p.exp as number) + 3e8 }), /does not verify/);
  invalidBecause(await tamper({ products: ['cucm', 'imp', 'cuc'] }), /does not verify/);
  invalidBecause(await tamper({}, ['install_id', 'max_clients']), /does not verify/);
  invalidBecause(await tamper({ sub: 'Someone Else' }), /does not verify/);
  // The header is covered by the signature too.
  invalidBecause(await verifyLicense(`${b64({ ...h, alg: h.alg === 'PS256' ? 'RS256' : 'PS256' })}.${b64(p)}.${s}`, ctx()), /does not verify/);
});

test('nbf in the future is refused (beyond 5 minutes of clock skew)', async () => {
  const claims = { ...licenseClaimsFor({ customer: 'ACME', tier: 'enterprise', days: 30, now: NOW }, 'development') };
  const future = await signLicenseClaims({ ...claims, nbf: claims.iat + 3600 }, ours.privateKey, ours.publicKey);
  invalidBecause(await verifyLicense(future, ctx()), /not valid before .*check this server's clock/);
  const skew = await signLicenseClaims({ ...claims, nbf: claims.iat + 120 }, ours.privateKey, ours.publicKey);
  assert.equal((await verifyLicense(skew, ctx())).state, 'VALID');
});

test('a licence bound to another install is refused; bound to this one it is VALID', async () => {
  invalidBecause(await verifyLicense(await issue({ installId: OTHER_INSTALL }), ctx()), new RegExp(`bound to install ${OTHER_INSTALL}; this install is ${INSTALL}`));
  assert.equal((await verifyLicense(await issue({ installId: INSTALL }), ctx())).state, 'VALID');
  invalidBecause(await verifyLicense(await issue({ installId: 'not-this-install' }), ctx()), /bound to install not-this-install/);
  assert.throws(() => licenseClaimsFor({ customer: 'x', tier: 'essentials', days: 1, installId: 'bad id\n' }, 'development'), /install_id/);
});

test('more clients in AUTH_CLIENTS than max_clients is refused', async () => {
  const t = await issue({ maxClients: 2 });
  invalidBecause(await verifyLicense(t, ctx({ clientCount: 3 })), /AUTH_CLIENTS lists 3 clients; the licence allows 2/);
  assert.equal((await verifyLicense(t, ctx({ clientCount: 2 }))).state, 'VALID');
});

test('development and release licences are accepted only by builds of their kind', async () => {
  // Even signed with the very key this build trusts, a development licence fails on a release build.
  const dev = await issue({}, 'development');
  invalidBecause(await verifyLicense(dev, ctx({ anchor: trustAnchorOf(ours.publicKey, 'release') })), /development licence; a release build accepts only/);
  const rel = await issue({}, 'release');
  assert.equal((await verifyLicense(rel, ctx({ anchor: trustAnchorOf(ours.publicKey, 'release') }))).state, 'VALID');
  invalidBecause(await verifyLicense(rel, ctx()), /release licence; this development build/);
});

test('malformed headers and claims are refused with the field that is wrong', async () => {
  const [h, p] = parts(await issue());
  // Signed by hand (RS256), so that headers jose would refuse to produce can be tested.
  const sign = async (header: Record<string, unknown>, payload: string): Promise<string> => {
    const input = `${b64({ ...header, alg: 'RS256' })}.${b64(payload)}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), ours.privateKey).toString('base64url')}`;
  };
  invalidBecause(await verifyLicense(await sign({ ...h, typ: 'JWT' }, JSON.stringify(p)), ctx()), /not an aibridge licence \(header typ "JWT"/);
  invalidBecause(await verifyLicense(await sign({ ...h, crit: ['exp'], exp: 1 }, JSON.stringify(p)), ctx()), /crit/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, tier: 'unlimited' })), ctx()), /claims are malformed: tier/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, admin: true })), ctx()), /claims are malformed/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, sub: 'ACME\nINJECTED' })), ctx()), /claims are malformed: sub/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, exp: 'never' })), ctx()), /claims are malformed: exp/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, products: [] })), ctx()), /claims are malformed: products/);
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify({ ...p, tier: 'essentials', products: ['cucm', 'cuc'] })), ctx()), /names cuc, which the essentials tier does not include/);
  invalidBecause(await verifyLicense(await sign(h, `{"tier":"essentials",${JSON.stringify(p).slice(1)}`), ctx()), /duplicate names/);
  invalidBecause(await verifyLicense(await sign(h, '[1,2]'), ctx()), /not a JSON object/);
  const { iss: _iss, ...noIss } = p;
  invalidBecause(await verifyLicense(await sign(h, JSON.stringify(noIss)), ctx()), /claims are malformed: iss/);
  invalidBecause(await verifyLicense(`${b64('not json')}.${b64(p)}.AAAA`, ctx()), /header is not a JSON object/);
});

test('a truncated signature is reported as truncated', async () => {
  const t = await issue();
  invalidBecause(await verifyLicense(t.slice(0, -20), ctx()), /signature is \d+ bytes, expected 256: the file is truncated/);
});

test('unknown feature names are ignored, not refused (they belong to newer releases)', async () => {
  const claims = licenseClaimsFor({ customer: 'ACME', tier: 'enterprise', days: 30, now: NOW }, 'development');
  const t = await signLicenseClaims({ ...claims, features: ['reports', 'hologram-calls'] }, ours.privateKey, ours.publicKey);
  const s = await verifyLicense(t, ctx());
  assert.equal(s.state, 'VALID');
  assert.deepEqual(s.entitlements?.features, ['reports']);
  assert.equal(createPublicKey(ours.privateKey).asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(JSON.parse(Buffer.from(t.split('.')[0] ?? '', 'base64url').toString()).typ, LICENSE_TYP);
});
