import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { makeRig, OTHER_KEYS } from '../test-harness.ts';

function setClients(dir: string, value: string, extra: string[] = []): void {
  const env = readFileSync(join(dir, '.env'), 'utf8').split('\n').filter((l) => !l.startsWith('AUTH_CLIENTS=') && !extra.some((e) => l.startsWith(e.split('=')[0] + '=')));
  writeFileSync(join(dir, '.env'), [...env, `AUTH_CLIENTS=${value}`, ...extra].join('\n'), { mode: 0o600 });
}

test('syncClients() creates folders 700, files 600, .uuid, a JWT with the spec claims, and a one-time secret', async () => {
  const r = await makeRig({ realSecrets: true });
  const sec = join(r.dir, 'clients', 'alice', 'secrets');
  for (const d of [join(r.dir, 'clients', 'alice'), sec]) assert.equal(statSync(d).mode & 0o777, 0o700);
  for (const f of ['.uuid', '.token']) assert.equal(statSync(join(sec, f)).mode & 0o777, 0o600);
  assert.match(readFileSync(join(sec, '.uuid'), 'utf8'), /^[0-9a-f-]{36}\n$/);
  const token = r.token('alice');
  assert.equal(decodeProtectedHeader(token).alg, 'RS256');
  const claims = decodeJwt(token);
  assert.deepEqual(Object.keys(claims).sort(), ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'sub']);
  assert.equal(claims.sub, 'sub-alice');
  assert.equal(claims.client_id, 'alice');
  assert.equal(claims.exp! - claims.iat!, 365 * 86_400);
  assert.equal(existsSync(join(sec, '.secret')), false, 'a jwt-only client gets no secret');
  const bob = join(r.dir, 'clients', 'bob', 'secrets');
  assert.match(readFileSync(join(bob, '.secret_hash'), 'utf8'), /^\$2[aby]\$12\$/);
  assert.match(readFileSync(join(bob, '.secret'), 'utf8'), /^[A-Za-z0-9_-]{43}\n$/);
  assert.equal(existsSync(join(bob, '.token')), false, 'an oauth2-only client gets no static JWT');
  assert.equal(statSync(join(bob, '.secret')).mode & 0o777, 0o600);
  assert.match(r.audit(), /"event":"client_created".*"client":"alice"/);
  assert.match(r.audit(), /"event":"token_issued".*"client":"alice"/);
});

test('an unchanged valid token stays byte-identical across restarts', async () => {
  const r1 = await makeRig();
  const before = r1.token('alice');
  const r2 = await makeRig({ dir: r1.dir });
  assert.equal(r2.token('alice'), before);
});

test('a token is renewed when corrupt, missing, expired, re-keyed, or its subject/claims changed', async () => {
  const r = await makeRig();
  const tokenPath = join(r.dir, 'clients', 'alice', 'secrets', '.token');
  const renewed = async (change: () => void | Promise<void>, reason: RegExp, opts: Parameters<typeof makeRig>[0] = {}): Promise<void> => {
    const before = r.token('alice');
    await change();
    const again = await makeRig({ dir: r.dir, ...opts });
    assert.notEqual(again.token('alice'), before);
    assert.match(again.audit(), reason);
  };
  await renewed(() => writeFileSync(tokenPath, 'garbage'), /"event":"token_renewed".*"reason":"corrupt"/);
  await renewed(() => writeFileSync(tokenPath, ''), /"event":"token_issued".*"reason":"missing"/);
  await renewed(() => setClients(r.dir, 'alice:sub-alice-2:admin:jwt', ['AUTH_MODE=jwt+oauth2']), /"reason":"subject_changed"/);
  await renewed(() => setClients(r.dir, 'alice:sub-alice-2:admin:jwt', ['AUTH_AUDIENCE=other']), /"reason":"wrong_audience"/);
  await renewed(() => setClients(r.dir, 'alice:sub-alice-2:admin:jwt', ['AUTH_TOKEN_EXPIRY_DAYS=30']), /"reason":"lifetime_shortened"/);
  await renewed(() => undefined, /"reason":"bad_signature"/, { rsa: OTHER_KEYS });
  await renewed(() => undefined, /"reason":"expired"/, { now: Math.floor(Date.now() / 1000) + 40 * 86_400, rsa: OTHER_KEYS });
});

test('a client no longer listed is purged with an audit event; a mode change drops unused credentials', async () => {
  const r = await makeRig();
  setClients(r.dir, 'alice:sub-alice:admin:oauth2');
  const r2 = await makeRig({ dir: r.dir });
  assert.equal(existsSync(join(r.dir, 'clients', 'bob')), false);
  assert.equal(existsSync(join(r.dir, 'clients', 'carol')), false);
  assert.match(r2.audit(), /"event":"client_purged".*"client":"bob"/);
  assert.equal(existsSync(join(r.dir, 'clients', 'alice', 'secrets', '.token')), false);
  assert.match(r2.audit(), /"event":"token_revoked".*"client no longer in jwt mode"/);
  assert.ok(existsSync(join(r.dir, 'clients', 'alice', 'secrets', '.secret_hash')));
});
