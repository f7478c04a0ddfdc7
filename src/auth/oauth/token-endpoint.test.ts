import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { makeRig, form, basic, bearer, ISSUER, RESOURCE } from '../test-harness.ts';

test('T-AS-01 authorization server metadata (RFC 8414)', async () => {
  const r = await makeRig();
  const m = await (await r.call('/.well-known/oauth-authorization-server')).json() as Record<string, unknown>;
  assert.equal(m.issuer, ISSUER);
  assert.deepEqual(m.response_types_supported, ['code']);
  assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(m.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
  assert.equal(m.revocation_endpoint, `${ISSUER}/revoke`);
  assert.equal(m.authorization_response_iss_parameter_supported, true);
});

test('T-AS-02 protected resource metadata at the root and path-suffixed (RFC 9728)', async () => {
  const r = await makeRig();
  for (const p of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    const m = await (await r.call(p)).json() as Record<string, unknown>;
    assert.equal(m.resource, RESOURCE);
    assert.deepEqual(m.authorization_servers, [ISSUER]);
  }
});

test('in AUTH_MODE=jwt there is no authorization server', async () => {
  const r = await makeRig({ env: ['AUTH_MODE=jwt', 'AUTH_CLIENTS=alice:sub-alice:admin'] });
  assert.equal((await r.call('/.well-known/oauth-authorization-server')).status, 404);
  assert.equal((await r.call('/token', form({ grant_type: 'client_credentials' }))).status, 404);
  const m = await (await r.call('/.well-known/oauth-protected-resource')).json() as Record<string, unknown>;
  assert.equal(m.authorization_servers, undefined);
});

test('T-AS-14 client_credentials with client_secret_basic and client_secret_post', async () => {
  const r = await makeRig();
  for (const init of [form({ grant_type: 'client_credentials' }, { authorization: basic('bob', r.secret('bob')) }), form({ grant_type: 'client_credentials', client_id: 'bob', client_secret: r.secret('bob') })]) {
    const res = await r.call('/token', init);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.refresh_token, undefined);
    const at = String(body.access_token);
    assert.equal(decodeProtectedHeader(at).typ, 'at+jwt');
    assert.equal(decodeJwt(at).client_id, 'bob');
    assert.deepEqual(await (await r.call('/mcp', bearer(at))).json(), { client: 'bob', method: 'oauth2' });
  }
  const withResource = await (await r.call('/token', form({ grant_type: 'client_credentials', resource: RESOURCE }, { authorization: basic('bob', r.secret('bob')) }))).json() as Record<string, string>;
  assert.equal(decodeJwt(withResource.access_token ?? '').aud, RESOURCE);
});

test('T-AS-14 wrong secret, unknown client and a JWT-only client get the same invalid_client', async () => {
  const r = await makeRig();
  const answers = [];
  for (const [id, s] of [['bob', 'wrong'], ['nobody', 'wrong'], ['alice', 'x']] as const) {
    const res = await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic(id, s) }));
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
    answers.push(await res.json());
  }
  assert.deepEqual(answers[0], answers[1]);
  assert.deepEqual(answers[1], answers[2]);
  assert.match(r.audit(), /"event":"auth_failed".*"reason":"wrong_secret"/);
  assert.match(r.audit(), /"event":"auth_failed".*"reason":"unknown_client"/);
});

test('the one-time .secret is deleted after its first successful use (real cost-12 secret)', async () => {
  const r = await makeRig({ realSecrets: true });
  const path = r.ctx.files.path('bob', '.secret');
  assert.ok(existsSync(path));
  assert.equal((await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('bob', 'not-it') }))).status, 401);
  assert.ok(existsSync(path), 'a failed attempt keeps it');
  assert.equal((await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('bob', r.secret('bob')) }))).status, 200);
  assert.equal(existsSync(path), false);
  assert.match(r.audit(), /"event":"client_secret_first_use".*"client":"bob"/);
});

test('bad requests: malformed Basic, both methods, repeated or query parameters, GET, wrong type, scope, resource', async () => {
  const r = await makeRig();
  const ok = { authorization: basic('bob', r.secret('bob')) };
  const expect = async (init: RequestInit, status: number, error: string, path = '/token'): Promise<void> => {
    const res = await r.call(path, init);
    assert.equal(res.status, status, `${error} ${String(init.body)}`);
    if (status !== 415) assert.equal((await res.json() as { error: string }).error, error);
  };
  await expect(form({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }), 401, 'invalid_client');
  await expect(form({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('bob%zz:x').toString('base64')}` }), 401, 'invalid_client');
  await expect(form({ grant_type: 'client_credentials', client_secret: 'x' }, ok), 401, 'invalid_client');
  await expect(form({ grant_type: 'client_credentials', client_id: 'bob' }), 401, 'invalid_client');
  await expect({ ...form({}, ok), body: 'grant_type=client_credentials&grant_type=client_credentials' }, 400, 'invalid_request');
  await expect(form({ grant_type: 'client_credentials' }, ok), 400, 'invalid_request', `/token?client_secret=${r.secret('bob')}`);
  await expect({ method: 'GET' }, 405, 'invalid_request');
  await expect({ method: 'POST', headers: { ...ok, 'content-type': 'application/json' }, body: '{}' }, 415, '');
  await expect(form({ grant_type: 'password', username: 'a', password: 'b' }, ok), 400, 'unsupported_grant_type');
  await expect(form({ grant_type: 'implicit' }, ok), 400, 'unsupported_grant_type');
  await expect(form({}, ok), 400, 'invalid_request');
  await expect(form({ grant_type: 'client_credentials', scope: 'admin' }, ok), 400, 'invalid_scope');
  await expect(form({ grant_type: 'client_credentials', resource: 'https://evil.example/mcp' }, ok), 400, 'invalid_target');
  await expect({ ...form({}, ok), body: '%%%garbage=%%&&==' }, 400, 'invalid_request');
  await expect({ ...form({}, ok), body: 'grant_type=%E0%A4%A' }, 400, 'unsupported_grant_type');
});

test('hybrid mode: a jwt+oauth2 client has both; an oauth2 client\'s access token works; a jwt client has no OAuth', async () => {
  const r = await makeRig();
  assert.equal((await r.call('/mcp', bearer(r.token('carol')))).status, 200);
  const body = await (await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('carol', r.secret('carol')) }))).json() as Record<string, string>;
  assert.equal((await r.call('/mcp', bearer(body.access_token ?? ''))).status, 200);
  assert.equal(r.token('bob'), '');
});
