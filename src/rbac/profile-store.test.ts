import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, symlinkSync, rmSync, renameSync, readFileSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from './profile-store.ts';
import { parseProfile } from './parse-profile.ts';
import { syncDefaultProfiles } from './sync-default-profiles.ts';
import { watchProfiles } from './profile-watcher.ts';
import type { Logger, LogFields } from '../log/logger.ts';

function memoryLogger(): Logger & { lines: Array<{ level: string; event: string; fields: LogFields }> } {
  const lines: Array<{ level: string; event: string; fields: LogFields }> = [];
  const at = (level: string) => (event: string, fields: LogFields = {}) => { lines.push({ level, event, fields }); };
  return { lines, debug: at('debug'), info: at('info'), warning: at('warning'), error: at('error'), critical: at('critical') } as unknown as Logger & { lines: typeof lines };
}

const VALID = (limit: number) => JSON.stringify({ description: 'x', product_scope: ['cucm'], cucm: { axl: { rate_limit: limit, allowed_prefixes: ['get'] } } });

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'aibridge-profiles-'));
}

test('parseProfile() names the file, the JSON path and the reason', () => {
  const syntax = parseProfile('{ "description": "broken", ', 'p.json', true);
  assert.equal(syntax.ok, false);
  assert.match(!syntax.ok ? `${syntax.problems[0]!.file} ${syntax.problems[0]!.path} ${syntax.problems[0]!.reason}` : '', /^p\.json \$ invalid JSON/);
  const unknown = parseProfile(JSON.stringify({ product_scope: ['cucm'], cucm: { axl: { rate_limit: 1, allowed_prefix: ['get'] } } }), 'p.json', true);
  assert.deepEqual(!unknown.ok && unknown.problems, [{ file: 'p.json', path: '$.cucm.axl.allowed_prefix', reason: 'unknown field' }]);
  const bad = parseProfile(JSON.stringify({ product_scope: ['cucm'], cucm: { ssh: { rate_limit: 'many', allowed_prefixes: ['show'] } } }), 'p.json', true);
  assert.equal(!bad.ok && bad.problems[0]!.path, '$.cucm.ssh.rate_limit');
  const scope = parseProfile(JSON.stringify({ product_scope: ['cucm', 'voicemail'] }), 'p.json', true);
  assert.equal(!scope.ok && scope.problems[0]!.path, '$.product_scope[1]');
  const cupi = parseProfile(JSON.stringify({ product_scope: ['cuc'], cuc: { cupi: { rate_limit: 1, allowed_prefixes: ['GET vmrest'] } } }), 'p.json', true);
  assert.equal(!cupi.ok && cupi.problems[0]!.path, '$.cuc.cupi.allowed_prefixes[0]');
});

test('parseProfile() in non-strict mode drops unknown fields with a warning', () => {
  const r = parseProfile(JSON.stringify({ product_scope: ['cucm'], colour: 'blue', cucm: { axl: { rate_limit: 1, note: 'x' } } }), 'p.json', false);
  assert.ok(r.ok);
  assert.deepEqual(r.warnings.map((w) => w.path).sort(), ['$.colour', '$.cucm.axl.note']);
  assert.equal((r.profile as Record<string, unknown>).colour, undefined);
  assert.equal(parseProfile('{"product_scope": []}', 'p.json', false).ok, false, 'real errors still fail');
});

test('syncDefaultProfiles() writes the shipped profiles byte-identical and leaves custom ones alone', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'custom.json'), VALID(3));
  writeFileSync(join(dir, 'operator.json'), '{"tampered": true}');
  symlinkSync('/etc/passwd', join(dir, 'auditor.json'));
  const r = syncDefaultProfiles(dir);
  assert.deepEqual(r.written, ['admin', 'operator', 'auditor', 'approver']);
  for (const n of ['admin', 'operator', 'auditor', 'approver']) {
    assert.equal(readFileSync(join(dir, `${n}.json`), 'utf8'), readFileSync(`profiles/_default/${n}.json`, 'utf8'));
  }
  assert.ok(!lstatSync(join(dir, 'auditor.json')).isSymbolicLink(), 'the symlink was replaced, not followed');
  assert.equal(readFileSync(join(dir, 'custom.json'), 'utf8'), VALID(3));
  assert.deepEqual(syncDefaultProfiles(dir), { written: [], unchanged: ['admin', 'operator', 'auditor', 'approver'] });
  rmSync(dir, { recursive: true });
});

test('ProfileStore.scan() applies a valid change and keeps the previous version when the new one is invalid', () => {
  const dir = scratch();
  const logger = memoryLogger();
  const store = new ProfileStore({ dir, strict: true, logger });
  writeFileSync(join(dir, 'custom.json'), VALID(3));
  store.scan();
  assert.equal(store.get('custom')?.cucm?.axl?.rate_limit, 3);
  writeFileSync(join(dir, 'custom.json.tmp'), VALID(7));
  renameSync(join(dir, 'custom.json.tmp'), join(dir, 'custom.json'));
  assert.deepEqual(store.scan(), ['custom']);
  assert.equal(store.get('custom')?.cucm?.axl?.rate_limit, 7);
  writeFileSync(join(dir, 'custom.json'), '{ "description": "broken", ');
  assert.deepEqual(store.scan(), []);
  assert.equal(store.get('custom')?.cucm?.axl?.rate_limit, 7, 'previous version stays in force');
  const err = logger.lines.find((l) => l.event === 'profile_invalid');
  assert.match(String(err?.fields.file), /custom\.json$/);
  assert.match(String(err?.fields.message), /custom\.json \$: invalid JSON/);
  assert.ok(store.invalid().custom);
  writeFileSync(join(dir, 'custom.json'), JSON.stringify({ product_scope: ['cucm'], extra: 1 }));
  store.scan();
  assert.match(store.invalid().custom ?? '', /\$\.extra: unknown field/);
  rmSync(join(dir, 'custom.json'));
  store.scan();
  assert.equal(store.get('custom'), undefined, 'a deleted profile is unloaded');
  rmSync(dir, { recursive: true });
});

test('ProfileStore refuses a profile file replaced by a symlink to a file outside profiles/', () => {
  const dir = scratch();
  const outside = scratch();
  const store = new ProfileStore({ dir, strict: true, logger: memoryLogger() });
  writeFileSync(join(dir, 'custom.json'), VALID(3));
  store.scan();
  writeFileSync(join(outside, 'evil.json'), JSON.stringify({ product_scope: ['all'], cucm: { axl: { rate_limit: 999, allowed_prefixes: ['add', 'remove'] } } }));
  rmSync(join(dir, 'custom.json'));
  symlinkSync(join(outside, 'evil.json'), join(dir, 'custom.json'));
  store.scan();
  assert.equal(store.get('custom')?.cucm?.axl?.rate_limit, 3);
  assert.match(store.invalid().custom ?? '', /symbolic link/);
  mkdirSync(join(dir, 'sub.json'));
  store.scan();
  assert.match(store.invalid().sub ?? '', /not a regular file/);
  rmSync(dir, { recursive: true });
  rmSync(outside, { recursive: true });
});

test('watchProfiles() reloads a changed file without a restart', async () => {
  const dir = scratch();
  const store = new ProfileStore({ dir, strict: true, logger: memoryLogger() });
  writeFileSync(join(dir, 'custom.json'), VALID(3));
  store.scan();
  const changed = new Promise<string>((resolve) => store.onChange(resolve));
  const watcher = watchProfiles({ dir, store, logger: memoryLogger(), pollMs: 500, debounceMs: 20 });
  try {
    writeFileSync(join(dir, 'custom.json'), VALID(9));
    assert.equal(await changed, 'custom');
    assert.equal(store.get('custom')?.cucm?.axl?.rate_limit, 9);
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true });
  }
});
