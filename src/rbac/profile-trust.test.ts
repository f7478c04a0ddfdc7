/** Issue #12 item 6: profiles (and .env, the private key) load only when owned by the service user and not group/other-writable; changes are audited with a digest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from './profile-store.ts';
import { createNullLogger } from '../log/logger.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadPrivateKey } from '../keys/rsa-key-pair.ts';
import { untrustedReason } from '../lib/trusted-file.ts';
import { writeKeyPair } from '../ops/testdata/fixture-install.ts';

const PROFILE = (prefixes: string[]) => JSON.stringify({ description: 'x', product_scope: ['cucm'], cucm: { axl: { rate_limit: 5, allowed_prefixes: prefixes } } });

test('#12.6 a profile writable by group or others is refused, the previous version stays, and every change is audited with its digest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-trust-'));
  const file = join(dir, 'operator.json');
  const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const store = new ProfileStore({ dir, strict: true, logger: createNullLogger(), audit: (records) => { events.push(...records); } });
  const good = PROFILE(['get', 'list']);
  writeFileSync(file, good, { mode: 0o644 });
  chmodSync(file, 0o644);
  store.scan();
  assert.deepEqual(store.get('operator')?.cucm?.axl?.allowed_prefixes, ['get', 'list']);
  assert.equal(events[0]?.event, 'profile_loaded');
  assert.equal(events[0]?.fields.sha256, createHash('sha256').update(good).digest('hex'));
  for (const mode of [0o666, 0o664, 0o646, 0o622]) {
    writeFileSync(file, PROFILE(['get', 'list', 'executeSQLUpdate']));
    chmodSync(file, mode);
    store.scan();
    assert.deepEqual(store.get('operator')?.cucm?.axl?.allowed_prefixes, ['get', 'list'], `mode ${mode.toString(8)}: the edited profile must not take effect`);
    assert.match(store.invalid().operator ?? '', /writable by/);
    assert.equal(events[events.length - 1]?.event, 'profile_refused');
  }
  chmodSync(file, 0o644);
  store.scan();
  assert.deepEqual(store.get('operator')?.cucm?.axl?.allowed_prefixes, ['get', 'list', 'executeSQLUpdate'], 'once the owner fixes the mode, the (owner-approved) file applies');
  assert.equal(events[events.length - 1]?.event, 'profile_reloaded');
});

test('#12.6 .env and the private key are refused when others can write them, or owned by another user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'env-trust-'));
  writeFileSync(join(dir, '.env'), 'MCP_SERVER_PORT=9443\n', { mode: 0o600 });
  chmodSync(join(dir, '.env'), 0o666);
  assert.throws(() => loadConfig(dir), /writable by/);
  chmodSync(join(dir, '.env'), 0o600);
  assert.equal(loadConfig(dir).env.MCP_SERVER_PORT, 9443);
  const { priv } = writeKeyPair(dir);
  chmodSync(priv, 0o620);
  assert.throws(() => loadPrivateKey(priv), /writable by its group/);
  const me = process.getuid?.() ?? 1000;
  assert.match(untrustedReason({ uid: me + 1, mode: 0o600 }, '/x') ?? '', /owned by uid/);
  assert.equal(untrustedReason({ uid: 0, mode: 0o644 }, '/x', me), undefined, 'root-owned is trusted');
});
