import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireScaleOut, scaleOutRefusal } from './scale-out.ts';
import { entitlementsOf, TIERS } from './tiers.ts';
import type { TierName } from './tiers.ts';
import type { LicenseStatus } from './verify-license.ts';
import { isAppError } from '../lib/errors.ts';

const valid = (tier: TierName, features?: string[]): LicenseStatus => ({
  state: 'VALID', reason: 'valid until 2027-01-01', checkedAt: 0, entitlements: entitlementsOf(tier, undefined, features),
  claims: { tier } as LicenseStatus['claims'],
});

test('only the enterprise tier carries scale-out (the acceptance cluster issues an enterprise development licence)', () => {
  assert.deepEqual((Object.keys(TIERS) as TierName[]).filter((t) => TIERS[t].features.includes('scale-out')), ['enterprise']);
});

test('STATE_BACKEND=local never asks; valkey needs the feature in a VALID or GRACE licence', () => {
  for (const s of [valid('essentials'), { state: 'INVALID', reason: 'no licence installed', checkedAt: 0 } as LicenseStatus]) assert.equal(scaleOutRefusal('local', s), undefined);
  assert.equal(scaleOutRefusal('valkey', valid('enterprise')), undefined);
  assert.equal(scaleOutRefusal('valkey', { ...valid('enterprise'), state: 'GRACE' }), undefined);
  const essentials = scaleOutRefusal('valkey', valid('essentials'));
  assert.match(essentials ?? '', /STATE_BACKEND=valkey needs the licence feature "scale-out": the essentials licence does not include the scale-out feature \(it has: no features\)/);
  assert.match(scaleOutRefusal('valkey', valid('enterprise', ['reports'])) ?? '', /enterprise licence does not include the scale-out feature \(it has: reports\)/, 'a licence narrowed to some features');
  assert.match(scaleOutRefusal('valkey', { state: 'EXPIRED', reason: 'expired on 2026-01-01', checkedAt: 0 }) ?? '', /the licence is EXPIRED \(expired on 2026-01-01\), so no feature is licensed/);
});

test('start-up refusal is E_CONFIG_INVALID with both ways out in the hint', () => {
  assert.throws(() => requireScaleOut('valkey', valid('professional')), (e: unknown) => isAppError(e) && e.code === 'E_CONFIG_INVALID'
    && /scale-out/.test(e.message) && /aibridge license install/.test(e.hint ?? '') && /STATE_BACKEND=local/.test(e.hint ?? ''));
  assert.doesNotThrow(() => requireScaleOut('valkey', valid('enterprise')));
});
