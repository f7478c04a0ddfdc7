import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseWatchdog } from './license-watchdog.ts';
import { checkInstalledLicense } from './check-license.ts';
import { issueLicense } from './sign-license.ts';
import type { LicenseRequest } from './sign-license.ts';
import { trustAnchorOf } from './trust-anchor.ts';
import { ensureInstallId } from './install-id.ts';
import type { LicenseState } from './verify-license.ts';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const anchor = trustAnchorOf(key.publicKey, 'development');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);

function rig() {
  const secretsDir = mkdtempSync(join(tmpdir(), 'lic-wd-'));
  const installId = ensureInstallId(secretsDir);
  let now = T0;
  const logs: Array<{ level: string; event: string; fields?: Record<string, unknown> }> = [];
  const audit: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) => { logs.push({ level, event, ...(fields ? { fields } : {}) }); };
  const changes: Array<[LicenseState, LicenseState]> = [];
  const wd = new LicenseWatchdog({
    now: () => now,
    check: (n) => checkInstalledLicense({ secretsDir, anchor, installId, clientCount: 1 }, n),
    logger: { info: at('info'), warning: at('warning'), error: at('error'), critical: at('critical') },
    audit: { append: (_c, event, fields) => audit.push({ event, fields }) },
  });
  wd.onChange((next, prev) => changes.push([prev.state, next.state]));
  const install = async (req: Partial<LicenseRequest>): Promise<void> => {
    const { token } = await issueLicense({ customer: 'ACME', tier: 'enterprise', days: 10, now, ...req }, key.privateKey, key.publicKey, 'development');
    writeFileSync(join(secretsDir, 'license.jwt'), `${token}\n`, { mode: 0o600 });
  };
  return { wd, logs, audit, changes, install, secretsDir, advance: (ms: number) => { now += ms; } };
}

test('VALID → GRACE → EXPIRED while running, driven by the clock; each change audited and logged once', async () => {
  const r = rig();
  await r.install({ days: 10, graceDays: 5 });
  assert.equal((await r.wd.checkNow()).state, 'VALID');
  assert.deepEqual(r.audit.map((a) => [a.fields.state, a.fields.previous]), [['VALID', null]]);
  assert.equal(r.changes.length, 0, 'the first check is not a change');
  r.advance(9 * DAY);
  await r.wd.tick();
  assert.equal(r.audit.length, 1, 'no event while nothing changes');
  r.advance(2 * DAY);
  await r.wd.tick();
  assert.equal(r.wd.status.state, 'GRACE');
  assert.deepEqual(r.changes, [['VALID', 'GRACE']]);
  assert.ok(r.wd.entitlements(), 'GRACE keeps the tools');
  const graceWarnings = (): number => r.logs.filter((l) => l.level === 'warning' && l.event === 'license_grace').length;
  assert.equal(graceWarnings(), 1);
  r.advance(3_600_000);
  await r.wd.tick();
  assert.equal(graceWarnings(), 1, 'not repeated within the day');
  r.advance(DAY);
  await r.wd.tick();
  assert.equal(graceWarnings(), 2, 'repeated daily while in GRACE');
  r.advance(3 * DAY);
  await r.wd.tick();
  assert.equal(r.wd.status.state, 'EXPIRED');
  assert.equal(r.wd.entitlements(), undefined);
  assert.deepEqual(r.changes, [['VALID', 'GRACE'], ['GRACE', 'EXPIRED']]);
  assert.deepEqual(r.audit.map((a) => a.fields.state), ['VALID', 'GRACE', 'EXPIRED']);
  assert.match(String(r.audit[2]?.fields.reason), /expired/);
  assert.ok(r.logs.some((l) => l.level === 'error' && l.event === 'license_expired'));
});

test('a new licence installed while running takes effect at the next tick; removing it is INVALID (critical)', async () => {
  const r = rig();
  await r.install({ days: -30, graceDays: 7 });
  assert.equal((await r.wd.checkNow()).state, 'EXPIRED');
  await r.install({ tier: 'essentials', days: 365 });
  await r.wd.tick();
  assert.equal(r.wd.status.state, 'VALID');
  assert.deepEqual(r.wd.entitlements()?.products, ['cucm']);
  // Same state, more products: still a change for the tool set.
  await r.install({ tier: 'professional', days: 365 });
  await r.wd.tick();
  assert.deepEqual(r.wd.entitlements()?.products, ['cucm', 'imp']);
  assert.deepEqual(r.changes, [['EXPIRED', 'VALID'], ['VALID', 'VALID']]);
  unlinkSync(join(r.secretsDir, 'license.jwt'));
  await r.wd.tick();
  assert.equal(r.wd.status.state, 'INVALID');
  assert.ok(r.logs.some((l) => l.level === 'critical' && l.event === 'license_invalid' && /no licence/.test(String(l.fields?.reason))));
  assert.deepEqual(r.audit.map((a) => a.fields.state), ['EXPIRED', 'VALID', 'VALID', 'INVALID']);
});

test('concurrent ticks share one check; a failing check keeps the last state', async () => {
  const r = rig();
  await r.install({});
  await Promise.all([r.wd.checkNow(), r.wd.tick(), r.wd.tick()]);
  assert.equal(r.audit.length, 1);
  let calls = 0;
  const wd = new LicenseWatchdog({
    now: () => T0,
    check: async () => { calls++; if (calls > 1) throw new Error('disk on fire'); return { status: { state: 'INVALID', reason: 'no licence', checkedAt: T0 }, warnings: [] }; },
    logger: { info: () => undefined, warning: () => undefined, error: () => undefined, critical: () => undefined },
    audit: { append: () => undefined },
  });
  await wd.checkNow();
  await wd.tick();
  assert.equal(wd.status.reason, 'no licence');
});

test('a change of the licence file triggers a check at once (file watch), without waiting for the timer', async () => {
  const r = rig();
  await r.install({ days: -30, graceDays: 7 });
  let fire: (() => void) | undefined;
  let stopped = false;
  const wd = new LicenseWatchdog({
    now: () => T0, intervalMs: 3_600_000,
    check: (n) => checkInstalledLicense({ secretsDir: r.secretsDir, anchor, installId: ensureInstallId(r.secretsDir), clientCount: 1 }, n),
    logger: { info: () => undefined, warning: () => undefined, error: () => undefined, critical: () => undefined },
    audit: { append: () => undefined },
    watch: (onChange) => { fire = onChange; return () => { stopped = true; }; },
  });
  const seen: string[] = [];
  wd.onChange((next) => seen.push(next.state));
  assert.equal((await wd.checkNow()).state, 'EXPIRED');
  wd.start();
  assert.ok(fire, 'start() watches the file');
  await r.install({ days: 30 });
  fire?.();
  await wd.tick();
  assert.deepEqual(seen, ['VALID']);
  wd.stop();
  assert.equal(stopped, true, 'stop() ends the watch');
});
