import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../config/load-config.ts';
import { makeRig, bearer, form, basic, RIG_KEYS } from '../test-harness.ts';
import { revokeClient } from './revoke-client.ts';
import { listClients } from './list-clients.ts';

test('revokeClient() refuses every earlier token of the client at once and reissues its credentials', async () => {
  const r = await makeRig();
  const oldJwt = r.token('carol');
  const at = await (await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('carol', r.secret('carol')) }))).json() as Record<string, string>;
  assert.equal((await r.call('/mcp', bearer(at.access_token ?? ''))).status, 200);
  const result = await revokeClient({ config: loadConfig(r.dir), rsa: RIG_KEYS, audit: r.ctx.audit, name: 'carol', now: r.clock.now });
  assert.deepEqual(result, { jwtReissued: true, secretReissued: true, refreshFamilies: 0 });
  assert.equal((await r.call('/mcp', bearer(oldJwt))).status, 401);
  assert.equal((await r.call('/mcp', bearer(at.access_token ?? ''))).status, 401);
  assert.notEqual(r.token('carol'), oldJwt);
  assert.equal((await r.call('/mcp', bearer(r.token('carol')))).status, 200);
  assert.equal((await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('carol', r.secret('carol')) }))).status, 401, 'old secret replaced');
  assert.equal((await r.call('/mcp', bearer(r.token('alice')))).status, 200, 'other clients unaffected');
  assert.match(r.audit(), /"event":"client_revoked".*"client":"carol"/);
});

test('revokeClient() names an unknown client', async () => {
  const r = await makeRig();
  await assert.rejects(revokeClient({ config: loadConfig(r.dir), rsa: RIG_KEYS, audit: r.ctx.audit, name: 'mallory', now: r.clock.now }), /Client "mallory" is not in AUTH_CLIENTS/);
});

test('listClients() shows mode, expiry and secret state but no secret', async () => {
  const r = await makeRig({ realSecrets: true });
  const rows = listClients(loadConfig(r.dir));
  assert.deepEqual(rows.map((x) => [x.name, x.mode, x.secret]), [['alice', 'jwt', '-'], ['bob', 'oauth2', 'one-time secret not yet used'], ['carol', 'jwt+oauth2', 'one-time secret not yet used']]);
  assert.match(rows[0]?.tokenExpiry ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.ok(!JSON.stringify(rows).includes(r.secret('bob')));
});
