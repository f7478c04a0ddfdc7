import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import type { JWTPayload, JWTHeaderParameters } from 'jose';
import { makeRig, bearer, ISSUER, OTHER_KEYS } from './test-harness.ts';
import type { Rig } from './test-harness.ts';
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { authenticate } from './authenticate.ts';

const METADATA = `resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`;

function b64(o: unknown): string {
  return Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
}

async function mint(r: Rig, claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}, key = r.ctx.keys.privateKey): Promise<string> {
  const now = r.clock.now;
  const base = { sub: 'sub-alice', iss: ISSUER, aud: 'mcp-clients', iat: now, exp: now + 600, jti: decodeJwt(r.token('alice')).jti, client_id: 'alice' };
  const payload = Object.fromEntries(Object.entries({ ...base, ...claims }).filter(([, v]) => v !== undefined));
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: r.ctx.keys.keyId, ...header } as JWTHeaderParameters).sign(key);
}

async function refused(r: Rig, token: string, label: string): Promise<void> {
  const res = await r.call('/mcp', bearer(token));
  assert.equal(res.status, 401, label);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token", .*resource_metadata=/, label);
  assert.deepEqual(await res.json(), { error: 'invalid_token', message: 'The access token is invalid; obtain a new one' }, label);
}

test('a valid JWT-mode token sets the principal', async () => {
  const r = await makeRig();
  const res = await r.call('/mcp', bearer(r.token('alice')));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { client: 'alice', method: 'jwt' });
  assert.match(r.audit(), /"event":"auth_succeeded".*"client":"alice"/);
});

test('T-RB-02 a valid token without the mcp scope gets 403 insufficient_scope naming only that scope', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=1'] });
  for (const scope of ['', 'openid', 'mcp:admin', 'MCP', 'profile email', 'mcpx']) {
    const res = await r.call('/mcp', bearer(await mint(r, { scope })));
    assert.equal(res.status, 403, JSON.stringify(scope));
    assert.equal(res.headers.get('www-authenticate'), `Bearer error="insufficient_scope", scope="mcp", ${METADATA}`, scope);
    assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
  }
  assert.match(r.audit(), /"event":"auth_failed".*"reason":"insufficient_scope"/);
  assert.doesNotMatch(r.audit(), /ip_blocked/, 'a well-signed token is not a guess: not counted for fail2ban');
  for (const scope of ['mcp', 'openid mcp', undefined]) {
    const res = await r.call('/mcp', bearer(await mint(r, { scope })));
    assert.equal(res.status, 200, String(scope));
  }
});

test('T-AN-01 no Authorization header: 401 with resource_metadata, not counted as a failure', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=1'] });
  for (let i = 0; i < 3; i++) {
    const res = await r.call('/mcp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), `Bearer ${METADATA}`);
  }
  assert.doesNotMatch(r.audit(), /auth_failed|ip_blocked/);
});

test('T-AN-02 malformed schemes give the same 401', async () => {
  const r = await makeRig();
  const tok = r.token('alice');
  for (const h of ['Basic YWxpY2U6eA==', 'Bearer', 'Bearer ', `Bearer ${tok} ${tok}`, `Bearer  ${tok}`, `bearer${tok}`, `Bearer ${'a'.repeat(16_384)}`]) {
    const res = await r.call('/mcp', { method: 'POST', headers: { authorization: h, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401, h.slice(0, 30));
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  }
});

test('T-AN-03/04/05 alg none, HS256 with our public key, a foreign key, odd kid and jku are refused', async () => {
  const r = await makeRig();
  const claims = decodeJwt(r.token('alice'));
  await refused(r, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'none');
  await refused(r, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${r.token('alice').split('.')[2]}`, 'none+sig');
  const pem = r.ctx.keys.publicKey.export({ type: 'spki', format: 'pem' });
  await refused(r, await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(Buffer.from(pem)), 'HS256 pem');
  await refused(r, await mint(r, {}, {}, OTHER_KEYS.privateKey), 'foreign key');
  await refused(r, await mint(r, {}, { kid: "../../etc/passwd' OR 1=1" }), 'odd kid');
  await refused(r, await mint(r, {}, { jku: 'https://evil.example/jwks', kid: 'x' }, OTHER_KEYS.privateKey), 'jku');
});

test('T-AN-06/07 time and audience claims are enforced with ≤30 s leeway', async () => {
  const r = await makeRig();
  const now = r.clock.now;
  await refused(r, await mint(r, { exp: now - 31 }), 'expired');
  await refused(r, await mint(r, { nbf: now + 120 }), 'future nbf');
  await refused(r, await mint(r, { exp: undefined }), 'no exp');
  await refused(r, await mint(r, { iat: now + 3600 }), 'future iat');
  await refused(r, await mint(r, { iss: 'https://evil.example' }), 'wrong iss');
  await refused(r, await mint(r, { aud: 'https://other.example/mcp' }), 'wrong aud');
  await refused(r, await mint(r, { aud: undefined }), 'no aud');
  assert.equal((await r.call('/mcp', bearer(await mint(r, { exp: now - 10 })))).status, 200, 'inside the 30 s leeway');
});

test('T-AN-08 a token of another type or not the client\'s current one is refused', async () => {
  const r = await makeRig();
  await refused(r, await mint(r, {}, { typ: 'id_token+jwt' }), 'typ');
  await refused(r, await mint(r, { jti: 'another-jti' }), 'not the current .token');
  await refused(r, await mint(r, { scope: 'mcp' }, { typ: 'at+jwt' }), 'access token for a jwt-only client');
});

test('T-AN-09 a token in the query string is ignored', async () => {
  const r = await makeRig();
  const res = await r.call(`/mcp?access_token=${r.token('alice')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 401);
});

test('T-AN-10 a revoked jti or a deleted client is refused', async () => {
  const r = await makeRig();
  const tok = r.token('alice');
  await r.ctx.revoked.add([[decodeJwt(tok).jti as string, r.clock.now + 3600]]);
  await refused(r, tok, 'revoked');
  const r2 = await makeRig();
  const t2 = r2.token('carol');
  const env = join(r2.dir, '.env');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(env, readFileSync(env, 'utf8').replace(/AUTH_CLIENTS=.*/, 'AUTH_CLIENTS=alice:sub-alice:admin:jwt'));
  const r3 = await makeRig({ dir: r2.dir });
  await refused(r3, t2, 'deleted client');
  assert.match(r3.audit(), /"reason":"(unknown_client|superseded)"/);
});

test('T-AN-10 a token accepted (and memoised) before is refused once it expires, is revoked or its client is cut off', async () => {
  const r = await makeRig();
  // Expiry: a short-lived token stops working at exp + 30 s although its verification was memoised.
  const short = await mint(r, { exp: r.clock.now + 60, client_id: 'carol', sub: 'sub-carol', jti: decodeJwt(r.token('carol')).jti });
  assert.equal((await r.call('/mcp', bearer(short))).status, 200);
  assert.equal(r.ctx.verifier.verified.size, 1, 'the verification is memoised');
  r.clock.now += 60 + 31;
  await refused(r, short, 'expired after a memoised verification');
  const tok = r.token('alice');
  assert.equal((await r.call('/mcp', bearer(tok))).status, 200);
  await r.ctx.revoked.add([[decodeJwt(tok).jti as string, r.clock.now + 3600]]);
  await refused(r, tok, 'revoked after a memoised verification');
  // An OAuth access token: the client cut-off (aibridge clients revoke) applies to a memoised token too.
  const { signToken, ACCESS_TOKEN_TYP } = await import('./tokens/sign-token.ts');
  const { CUTOFF_RETENTION_SECONDS } = await import('./tokens/bearer-verifier.ts');
  const at = await signToken({ privateKey: r.ctx.keys.privateKey, keyId: r.ctx.keys.keyId, typ: ACCESS_TOKEN_TYP, issuer: ISSUER, audience: r.ctx.settings.resource, subject: 'sub-bob', clientId: 'bob', lifetimeSeconds: 600, now: r.clock.now - 5, scope: 'mcp' });
  assert.equal((await r.call('/mcp', bearer(at.token))).status, 200);
  await r.ctx.state.cutoffs.add([['bob', r.clock.now + CUTOFF_RETENTION_SECONDS]]);
  await refused(r, at.token, 'cut off after a memoised verification');
});

test('T-AN-11 a flipped bit or a duplicate claim name is refused', async () => {
  const r = await makeRig();
  const [h, p, s] = r.token('alice').split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  await refused(r, `${h}.${b64({ ...claims, sub: 'sub-alicf' })}.${s}`, 'tampered');
  const dup = `${JSON.stringify(claims).slice(0, -1)},"sub":"sub-alice"}`;
  const { createSign } = await import('node:crypto');
  const head = b64({ alg: 'RS256', typ: 'JWT', kid: r.ctx.keys.keyId });
  const body = b64(dup);
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(r.ctx.keys.privateKey).toString('base64url');
  await refused(r, `${head}.${body}.${sig}`, 'duplicate claim');
});

test('T-AN-12 the bearer token never reaches the audit log', async () => {
  const r = await makeRig();
  const tok = r.token('alice');
  await r.call('/mcp', bearer(tok));
  await r.call('/mcp', bearer(`${tok}x`));
  const audit = r.audit();
  assert.ok(!audit.includes(tok.split('.')[2] ?? '!'));
  assert.match(audit, /"event":"auth_failed".*"source_ip":"10.0.0.1"/);
});

test('the Fail2Ban block is read once per request behind the guard; without the guard the bearer middleware still refuses a blocked address', async () => {
  const r = await makeRig({ env: ['AUTH_FAIL_LIMIT=1'] });
  const lookup = r.ctx.fail2ban.blockedUntil.bind(r.ctx.fail2ban);
  let lookups = 0;
  r.ctx.fail2ban.blockedUntil = async (ip: string) => { lookups++; return lookup(ip); };
  assert.equal((await r.call('/mcp', bearer(r.token('alice')))).status, 200);
  assert.equal(lookups, 1, 'the guard looked, the bearer middleware trusted it');
  await r.ctx.fail2ban.recordFailure('10.0.0.9');
  const bare = new Hono<AppEnv>();
  bare.use('*', async (c, next) => { c.set('clientIp', '10.0.0.9'); await next(); });
  bare.post('/mcp', authenticate(r.ctx), (c) => c.text('ran'));
  const res = await bare.request('/mcp', { method: 'POST', ...bearer(r.token('alice')) });
  assert.equal(res.status, 429, 'no guard in front: the bearer middleware refuses the blocked address itself');
  assert.equal(lookups, 2);
  assert.equal((await r.call('/mcp', { ...bearer(r.token('alice')), ip: '10.0.0.9' })).status, 429, 'and the guard does too');
});
