import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { makeRig, form, basic, bearer, ISSUER, RESOURCE } from '../test-harness.ts';
import type { Rig } from '../test-harness.ts';

const REDIRECT = 'http://127.0.0.1:43210/callback';
const ENV = ['AUTH_OAUTH_REDIRECT_URIS={"bob":["http://127.0.0.1/callback"],"carol":["http://127.0.0.1/callback"]}', 'AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT=strict'];

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(p: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined) q.set(k, v);
  return `/authorize?${q.toString()}`;
}

interface Login { res: Response; html: string; cookie: string; csrf: string }

async function openLogin(r: Rig, p: Record<string, string | undefined>): Promise<Login> {
  const res = await r.call(authorizeUrl(p));
  const html = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { res, html, cookie, csrf };
}

function submit(r: Rig, login: Pick<Login, 'cookie' | 'csrf'>, fields: Record<string, string>): Promise<Response> {
  return r.call('/authorize', form({ csrf_token: login.csrf, ...fields }, { cookie: login.cookie, origin: 'https://localhost:8443' }));
}

async function codeFor(r: Rig, client = 'bob', extra: Record<string, string> = {}): Promise<{ code: string; verifier: string; location: URL }> {
  const { verifier, challenge } = pkce();
  const login = await openLogin(r, { response_type: 'code', client_id: client, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra });
  const res = await submit(r, login, { client_id: client, client_secret: r.secret(client), action: 'allow' });
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get('location') ?? '');
  return { code: location.searchParams.get('code') ?? '', verifier, location };
}

function redeem(r: Rig, code: string, verifier: string | undefined, extra: Record<string, string> = {}): Promise<Response> {
  const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra };
  if (verifier !== undefined) body.code_verifier = verifier;
  return r.call('/token', form(body, { authorization: basic('bob', r.secret('bob')) }));
}

test('T-AS-03/09/20 login page, 303 with code, state and iss, session cookie rotated, tokens usable', async () => {
  const r = await makeRig({ env: ENV });
  const { challenge, verifier } = pkce();
  const login = await openLogin(r, { response_type: 'code', client_id: 'bob', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'a b&c', resource: RESOURCE });
  assert.equal(login.res.status, 200);
  const h = login.res.headers;
  assert.match(h.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.match(h.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(h.get('content-security-policy') ?? '', /form-action 'self' http:\/\/127\.0\.0\.1:43210/);
  assert.equal(h.get('x-frame-options'), 'DENY');
  assert.equal(h.get('referrer-policy'), 'no-referrer');
  assert.equal(h.get('cache-control'), 'no-store');
  assert.match(h.get('set-cookie') ?? '', /^__Host-aibridge-login=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Strict/);
  assert.doesNotMatch(login.html, /<script/i);
  assert.match(login.html, /<meta name="referrer" content="same-origin">/, 'else browsers POST with Origin: null');
  assert.match(login.html, /127\.0\.0\.1:43210/, 'consent shows the redirect host (T-AS-22)');
  const res = await submit(r, login, { client_id: 'bob', client_secret: r.secret('bob'), action: 'allow' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('set-cookie') ?? '', /__Host-aibridge-login=; Max-Age=0/);
  const loc = new URL(res.headers.get('location') ?? '');
  assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'a b&c');
  assert.equal(loc.searchParams.get('iss'), ISSUER);
  const tokenRes = await redeem(r, loc.searchParams.get('code') ?? '', verifier, { resource: RESOURCE });
  assert.equal(tokenRes.status, 200);
  assert.equal(tokenRes.headers.get('cache-control'), 'no-store');
  const t = await tokenRes.json() as Record<string, string>;
  assert.ok(t.refresh_token);
  assert.equal((await r.call('/mcp', bearer(t.access_token ?? ''))).status, 200);
  assert.equal((await submit(r, login, { client_id: 'bob', client_secret: r.secret('bob'), action: 'allow' })).status, 403, 'the old session is gone');
});

test('T-AS-04/07/08 bad authorization requests get an error page and never a redirect', async () => {
  const r = await makeRig({ env: ENV });
  const { challenge } = pkce();
  const base = { response_type: 'code', client_id: 'bob', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' };
  const cases: Array<[Record<string, string | undefined>, RegExp]> = [
    [{ ...base, redirect_uri: 'https://evil.example/cb' }, /not registered/],
    [{ ...base, redirect_uri: 'http://127.0.0.1:43210/callback/' }, /not registered/],
    [{ ...base, client_id: 'nobody' }, /Unknown client_id/],
    [{ ...base, client_id: 'alice' }, /JWT mode/],
    [{ ...base, code_challenge: undefined }, /code_challenge is required/],
    [{ ...base, code_challenge_method: 'plain' }, /must be S256/],
    [{ ...base, code_challenge_method: undefined }, /must be S256/],
    [{ ...base, code_challenge: 'short' }, /43 base64url/],
    [{ ...base, response_type: 'token' }, /unsupported_response_type/],
    [{ ...base, response_type: 'id_token token' }, /unsupported_response_type/],
    [{ ...base, resource: 'https://other.example/mcp' }, /Unknown resource/],
  ];
  for (const [p, re] of cases) {
    const res = await r.call(authorizeUrl(p));
    assert.equal(res.status, 400, JSON.stringify(p));
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), re);
  }
  assert.match(r.audit(), /"event":"authorize_refused"/);
});

test('T-AS-10 a replayed code is refused and what the first redemption issued is revoked', async () => {
  const r = await makeRig({ env: ENV });
  const { code, verifier } = await codeFor(r);
  const first = await (await redeem(r, code, verifier)).json() as Record<string, string>;
  assert.equal((await r.call('/mcp', bearer(first.access_token ?? ''))).status, 200);
  const second = await redeem(r, code, verifier);
  assert.equal(second.status, 400);
  assert.equal((await second.json() as { error: string }).error, 'invalid_grant');
  assert.equal((await r.call('/mcp', bearer(first.access_token ?? ''))).status, 401);
  const refreshed = await r.call('/token', form({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' }, { authorization: basic('bob', r.secret('bob')) }));
  assert.equal(refreshed.status, 400);
});

test('T-AS-11/12/13 expired code, wrong verifier, other client, other redirect_uri or resource', async () => {
  const r = await makeRig({ env: ENV });
  const expect = async (res: Response, error: string): Promise<void> => { assert.equal(res.status, 400); assert.equal((await res.json() as { error: string }).error, error); };
  let c = await codeFor(r);
  r.clock.now += 61;
  await expect(await redeem(r, c.code, c.verifier), 'invalid_grant');
  c = await codeFor(r);
  await expect(await redeem(r, c.code, pkce().verifier), 'invalid_grant');
  c = await codeFor(r);
  await expect(await redeem(r, c.code, undefined), 'invalid_grant');
  c = await codeFor(r);
  await expect(await r.call('/token', form({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, { authorization: basic('carol', r.secret('carol')) })), 'invalid_grant');
  c = await codeFor(r);
  await expect(await redeem(r, c.code, c.verifier, { redirect_uri: 'http://127.0.0.1:43211/callback' }), 'invalid_grant');
  c = await codeFor(r, 'bob', { resource: RESOURCE });
  await expect(await redeem(r, c.code, c.verifier, { resource: 'https://other.example/mcp' }), 'invalid_target');
  assert.match(r.audit(), /"event":"token_refused".*"reason":"pkce_mismatch"/);
});

test('a public client (client_id only) cannot redeem a code or a refresh token', async () => {
  const r = await makeRig({ env: ENV });
  const c = await codeFor(r);
  const res = await r.call('/token', form({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier, client_id: 'bob' }));
  assert.equal(res.status, 401);
  assert.equal((await res.json() as { error: string }).error, 'invalid_client');
  assert.equal((await redeem(r, c.code, c.verifier)).status, 200, 'the code was not consumed by the refused request');
});

test('T-AS-18 refresh tokens rotate; reuse revokes the family and its access tokens', async () => {
  const r = await makeRig({ env: ENV });
  const c = await codeFor(r);
  const t1 = await (await redeem(r, c.code, c.verifier)).json() as Record<string, string>;
  const refresh = (token: string): Promise<Response> => r.call('/token', form({ grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('bob', r.secret('bob')) }));
  const t2res = await refresh(t1.refresh_token ?? '');
  assert.equal(t2res.status, 200);
  const t2 = await t2res.json() as Record<string, string>;
  assert.notEqual(t2.refresh_token, t1.refresh_token);
  assert.equal((await r.call('/mcp', bearer(t2.access_token ?? ''))).status, 200);
  assert.equal((await refresh(t1.refresh_token ?? '')).status, 400, 'reuse refused');
  assert.equal((await refresh(t2.refresh_token ?? '')).status, 400, 'family revoked');
  assert.equal((await r.call('/mcp', bearer(t2.access_token ?? ''))).status, 401, 'family access token revoked');
  assert.match(r.audit(), /"event":"refresh_family_revoked".*"reason":"refresh token reused"/);
});

test('T-AS-17 revocation of access and refresh tokens, foreign and unknown tokens, unauthenticated', async () => {
  const r = await makeRig({ env: ENV });
  const bob = { authorization: basic('bob', r.secret('bob')) };
  const cc = await (await r.call('/token', form({ grant_type: 'client_credentials' }, bob))).json() as Record<string, string>;
  const carolAt = await (await r.call('/token', form({ grant_type: 'client_credentials' }, { authorization: basic('carol', r.secret('carol')) }))).json() as Record<string, string>;
  assert.equal((await r.call('/revoke', form({ token: carolAt.access_token ?? '' }, bob))).status, 200);
  assert.equal((await r.call('/mcp', bearer(carolAt.access_token ?? ''))).status, 200, 'foreign token untouched');
  assert.equal((await r.call('/revoke', form({ token: 'unknown' }, bob))).status, 200);
  assert.equal((await r.call('/revoke', form({ token: cc.access_token ?? '' }))).status, 401);
  assert.equal((await r.call('/revoke', form({ token: cc.access_token ?? '' }, bob))).status, 200);
  assert.equal((await r.call('/mcp', bearer(cc.access_token ?? ''))).status, 401);
  const c = await codeFor(r);
  const t = await (await redeem(r, c.code, c.verifier)).json() as Record<string, string>;
  assert.equal((await r.call('/revoke', form({ token: t.refresh_token ?? '', token_type_hint: 'refresh_token' }, bob))).status, 200);
  assert.equal((await r.call('/mcp', bearer(t.access_token ?? ''))).status, 401);
  assert.equal((await r.call('/token', form({ grant_type: 'refresh_token', refresh_token: t.refresh_token ?? '' }, bob))).status, 400);
  const alice = r.token('alice');
  assert.equal((await r.call('/revoke', form({ token: alice }, { authorization: `Bearer ${alice}` }))).status, 200, 'a JWT-mode client revokes its own token');
  assert.equal((await r.call('/mcp', bearer(alice))).status, 401);
});

test('T-AS-19/21/22 CSRF, identical wrong-client and wrong-secret answers, deny', async () => {
  const r = await makeRig({ env: ENV });
  const { challenge } = pkce();
  const p = { response_type: 'code', client_id: 'bob', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's' };
  const a = await openLogin(r, p);
  const b = await openLogin(r, p);
  assert.equal((await submit(r, { cookie: a.cookie, csrf: '' }, { client_id: 'bob', client_secret: r.secret('bob'), action: 'allow' })).status, 403);
  assert.equal((await submit(r, { cookie: a.cookie, csrf: b.csrf }, { client_id: 'bob', client_secret: r.secret('bob'), action: 'allow' })).status, 403);
  const wrongSecret = await submit(r, a, { client_id: 'bob', client_secret: 'nope', action: 'allow' });
  const wrongUser = await submit(r, a, { client_id: 'bobby', client_secret: r.secret('bob'), action: 'allow' });
  assert.equal(wrongSecret.status, 401);
  assert.equal(wrongUser.status, wrongSecret.status);
  assert.equal(await wrongUser.text(), await wrongSecret.text());
  const deny = await submit(r, a, { action: 'deny' });
  assert.equal(deny.status, 303);
  const loc = new URL(deny.headers.get('location') ?? '');
  assert.equal(loc.searchParams.get('error'), 'access_denied');
  assert.equal(loc.searchParams.get('state'), 's');
  assert.equal(loc.searchParams.get('iss'), ISSUER);
});
