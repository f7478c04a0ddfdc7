import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { makeRig, bearer, form, basic } from '../test-harness.ts';

test('AUTH_FAIL_LIMIT failures block the address on every route but /health, with Retry-After', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=3', 'AUTH_FAIL_WINDOW_SECONDS=60', 'AUTH_BLACKLIST_DURATION_SECONDS=120'] });
  for (let i = 0; i < 3; i++) assert.equal((await r.call('/mcp', bearer(`bad.${i}.x`))).status, 401);
  const blocked = await r.call('/mcp', bearer(r.token('alice')));
  assert.equal(blocked.status, 429);
  assert.equal(r.ctx.fail2ban.blockedCount(), 1, '/status blacklisted_ips and the fail2ban gauge read this');
  assert.equal(blocked.headers.get('retry-after'), '120');
  assert.equal((await r.call('/.well-known/oauth-protected-resource')).status, 429);
  assert.equal((await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('bob', r.secret('bob')) }))).status, 429);
  assert.equal((await r.call('/health')).status, 200);
  assert.equal((await r.call('/mcp', { ...bearer(r.token('alice')), ip: '10.0.0.2' })).status, 200, 'other addresses are unaffected');
  assert.match(r.audit(), /"event":"ip_blocked".*"source_ip":"10.0.0.1"/);
  // Locally the block list is a file of this install (600); on Valkey it lives in the store.
  if (r.ctx.state.kind === 'local') assert.equal(statSync(`${r.dir}/secrets/blocked-ips.json`).mode & 0o777, 0o600);
  r.clock.now += 121;
  assert.equal((await r.call('/mcp', bearer(r.token('alice')))).status, 200);
  assert.equal(r.ctx.fail2ban.blockedCount(), 0, 'an ended block leaves the count');
  assert.match(r.audit(), /"event":"ip_unblocked".*"source_ip":"10.0.0.1"/);
});

test('failures outside the window do not add up', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=3', 'AUTH_FAIL_WINDOW_SECONDS=60'] });
  for (let i = 0; i < 2; i++) await r.call('/mcp', bearer('bad.x.y'));
  r.clock.now += 61;
  for (let i = 0; i < 2; i++) await r.call('/mcp', bearer('bad.x.y'));
  assert.equal((await r.call('/mcp', bearer(r.token('alice')))).status, 200);
});

test('a block survives a restart', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=2', 'AUTH_BLACKLIST_DURATION_SECONDS=600'] });
  for (let i = 0; i < 2; i++) await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('bob', 'wrong') }));
  const again = await makeRig({ dir: r.dir });
  assert.equal((await again.call('/mcp', bearer(again.token('alice')))).status, 429);
});

test('wrong login secrets count toward the block (T-AS-21)', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=2', 'AUTH_OAUTH_REDIRECT_URIS={"bob":["http://127.0.0.1/cb"]}'] });
  const page = await r.call('/authorize?response_type=code&client_id=bob&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256');
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  for (let i = 0; i < 2; i++) assert.equal((await r.call('/authorize', form({ csrf_token: csrf, client_id: 'bob', client_secret: 'x', action: 'allow' }, { cookie }))).status, 401);
  assert.equal((await r.call('/authorize', form({ csrf_token: csrf, client_id: 'bob', client_secret: r.secret('bob'), action: 'allow' }, { cookie }))).status, 429);
});
