/**
 * End to end against the built binary: RFC 9728 discovery from the 401, openid-client through
 * discovery, client_credentials, authorization_code + PKCE with the login page in headless
 * Chromium, refresh rotation and revocation, and the MCP SDK client's OAuth provider completing
 * the flow against /mcp. JWT-mode tokens survive a restart byte for byte.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import * as oidc from 'openid-client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { freePort, newInstall, startServe, runBin } from './helpers/install.ts';
import type { Install, Running } from './helpers/install.ts';
import { browserLogin } from './helpers/browser-login.ts';

/** The client's loopback callback: an ephemeral port (RFC 8252 loopback redirects may use any port). */
let CALLBACK = '';
let inst: Install;
let serve: Running;
let issuer: string;
const secrets: Record<string, string> = {};

before(async () => {
  CALLBACK = `http://127.0.0.1:${await freePort()}/callback`;
  inst = await newInstall([
    'AUTH_MODE=jwt+oauth2', 'AUTH_CLIENTS=alice:sub-alice:admin:jwt,bob:sub-bob:operator:oauth2,carol:sub-carol:auditor:jwt+oauth2',
    'AUTH_OAUTH_REDIRECT_URIS={"bob":["http://127.0.0.1/callback"],"carol":["http://127.0.0.1/callback"]}', 'AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT=strict',
    'AUTH_OAUTH_TOKEN_EXPIRY_SECONDS=300',
  ]);
  serve = await startServe(inst);
  issuer = `https://localhost:${inst.port}`;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(join(inst.dir, 'secrets', 'server.crt'), 'utf8')]);
  for (const c of ['bob', 'carol']) secrets[c] = readFileSync(join(inst.dir, 'clients', c, 'secrets', '.secret'), 'utf8').trim();
});

after(async () => { await serve?.stop(); });

function mcpInit(token?: string): Promise<Response> {
  return fetch(`${issuer}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }),
  });
}

test('a 401 from /mcp leads to the protected-resource and authorization-server metadata', async () => {
  const res = await mcpInit();
  assert.equal(res.status, 401);
  const url = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1] ?? '';
  assert.equal(url, `${issuer}/.well-known/oauth-protected-resource/mcp`);
  const prm = await (await fetch(url)).json() as { resource: string; authorization_servers: string[] };
  assert.equal(prm.resource, `${issuer}/mcp`);
  assert.deepEqual(prm.authorization_servers, [issuer]);
});

test('a JWT-mode token from clients/<name>/secrets/.token is accepted on /mcp', async () => {
  const token = readFileSync(join(inst.dir, 'clients', 'alice', 'secrets', '.token'), 'utf8').trim();
  assert.equal((await mcpInit(token)).status, 200);
});

test('openid-client: discovery, client_credentials (basic and post), revocation', async () => {
  const basic = await oidc.discovery(new URL(issuer), 'bob', undefined, oidc.ClientSecretBasic(secrets.bob), { algorithm: 'oauth2' });
  const t = await basic.serverMetadata().code_challenge_methods_supported;
  assert.deepEqual(t, ['S256']);
  const cc = await oidc.clientCredentialsGrant(basic, { resource: `${issuer}/mcp` });
  assert.equal((await mcpInit(cc.access_token)).status, 200);
  assert.equal(existsSync(join(inst.dir, 'clients', 'bob', 'secrets', '.secret')), false, 'one-time secret deleted');
  const post = await oidc.discovery(new URL(issuer), 'bob', undefined, oidc.ClientSecretPost(secrets.bob), { algorithm: 'oauth2' });
  const cc2 = await oidc.clientCredentialsGrant(post);
  await oidc.tokenRevocation(post, cc2.access_token);
  assert.equal((await mcpInit(cc2.access_token)).status, 401);
  assert.equal((await mcpInit(cc.access_token)).status, 200);
});

test('openid-client: authorization_code + PKCE through the login page in Chromium, refresh rotation, revocation', async () => {
  const config = await oidc.discovery(new URL(issuer), 'bob', undefined, oidc.ClientSecretBasic(secrets.bob), { algorithm: 'oauth2' });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, resource: `${issuer}/mcp`, scope: 'mcp',
  });
  const callback = await browserLogin(url.href, { clientId: 'bob', secret: secrets.bob ?? '', callbackPrefix: CALLBACK, screenshot: process.env.AIBRIDGE_SCREENSHOT ?? join(inst.dir, 'login.png') });
  assert.equal(callback.searchParams.get('iss'), issuer);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, { resource: `${issuer}/mcp` });
  assert.ok(tokens.refresh_token);
  assert.equal((await mcpInit(tokens.access_token)).status, 200);
  const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
  assert.notEqual(rotated.refresh_token, tokens.refresh_token);
  assert.equal((await mcpInit(rotated.access_token)).status, 200);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''), (err: { error?: string }) => err.error === 'invalid_grant');
  assert.equal((await mcpInit(rotated.access_token)).status, 401, 'reuse revoked the family');
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"event":"refresh_family_revoked"/);
  assert.ok(!audit.includes(tokens.access_token) && !audit.includes(tokens.refresh_token ?? '!'), 'no token in the audit log');
});

class BrowserProvider implements OAuthClientProvider {
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  authUrl: URL | undefined;
  readonly redirectUrl = CALLBACK;
  readonly clientMetadata: OAuthClientMetadata = { redirect_uris: [CALLBACK], client_name: 'e2e', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' };
  clientInformation(): OAuthClientInformationMixed { return { client_id: 'carol', client_secret: secrets.carol ?? '' }; }
  tokens(): OAuthTokens | undefined { return this.#tokens; }
  saveTokens(t: OAuthTokens): void { this.#tokens = t; }
  redirectToAuthorization(url: URL): void { this.authUrl = url; }
  saveCodeVerifier(v: string): void { this.#verifier = v; }
  codeVerifier(): string { return this.#verifier; }
}

test('the MCP SDK client with its OAuth provider discovers, signs in and connects to /mcp', async () => {
  const provider = new BrowserProvider();
  const mcpUrl = new URL(`${issuer}/mcp`);
  const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await assert.rejects(new Client({ name: 'e2e', version: '1' }).connect(first), UnauthorizedError);
  assert.ok(provider.authUrl, 'the SDK asked for a browser sign-in');
  assert.equal(provider.authUrl.searchParams.get('resource'), mcpUrl.href);
  const callback = await browserLogin(provider.authUrl.href, { clientId: 'carol', secret: secrets.carol ?? '', callbackPrefix: CALLBACK });
  await first.finishAuth(callback.searchParams.get('code') ?? '');
  const client = new Client({ name: 'e2e', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  await client.ping();
  await client.close();
});

test('a restart keeps an unchanged JWT byte-identical and blocks survive it', async () => {
  const tokenPath = join(inst.dir, 'clients', 'alice', 'secrets', '.token');
  const before1 = readFileSync(tokenPath, 'utf8');
  await serve.stop();
  serve = await startServe(inst);
  assert.equal(readFileSync(tokenPath, 'utf8'), before1);
  assert.equal((await mcpInit(before1.trim())).status, 200);
});

test('aibridge clients list shows no secret; clients revoke takes effect on the running server', async () => {
  const list = runBin(inst, ['clients', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.out, /^alice\s+sub-alice\s+admin\s+jwt\s+\d{4}-/m);
  assert.match(list.out, /^carol\s+sub-carol\s+auditor\s+jwt\+oauth2\s+\S+\s+hash only/m);
  const tokenPath = join(inst.dir, 'clients', 'alice', 'secrets', '.token');
  const old = readFileSync(tokenPath, 'utf8').trim();
  assert.ok(!list.out.includes(old) && !list.out.includes(secrets.carol ?? '!'));
  const revoke = runBin(inst, ['clients', 'revoke', 'alice']);
  assert.equal(revoke.code, 0, revoke.out);
  assert.equal((await mcpInit(old)).status, 401);
  assert.equal((await mcpInit(readFileSync(tokenPath, 'utf8').trim())).status, 200);
  assert.match(readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8'), /"event":"client_revoked".*"client":"alice"/);
});

test('a bad AUTH_CLIENTS stops start-up with a line naming the client, an audit event and no state change', async () => {
  const bad = await newInstall(['AUTH_MODE=jwt', 'AUTH_CLIENTS=alice:sub-alice:admin,eve:sub-eve:superuser']);
  const r = runBin(bad, ['serve']);
  assert.equal(r.code, 1);
  assert.match(r.out, /AUTH_CLIENTS client "eve": profile "superuser" does not exist in profiles\//);
  assert.equal(existsSync(join(bad.dir, 'clients')), false);
  assert.match(readFileSync(join(bad.dir, 'logs', 'audit.log'), 'utf8'), /"event":"clients_config_invalid"/);
  const dup = await newInstall(['AUTH_MODE=jwt', 'AUTH_CLIENTS=alice:s1:admin,alice:s2:admin:jwt']);
  assert.match(runBin(dup, ['serve']).out, /AUTH_CLIENTS (lists client "alice" twice|client "alice": a 4th field)/);
});
