import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientSpecs } from './client-spec.ts';

const exists = (p: string): boolean => ['admin', 'operator', 'auditor'].includes(p);

test('parseClientSpecs() reads 3 fields and takes the global mode', () => {
  assert.deepEqual(parseClientSpecs('alice:sub-alice:admin, bob:sub-bob:operator', 'oauth2', exists), [
    { name: 'alice', subject: 'sub-alice', profile: 'admin', mode: 'oauth2' },
    { name: 'bob', subject: 'sub-bob', profile: 'operator', mode: 'oauth2' },
  ]);
});

test('parseClientSpecs() reads a per-client mode in hybrid mode', () => {
  const s = parseClientSpecs('a:s1:admin:jwt,b:s2:auditor:oauth2,c:s3:admin:jwt+oauth2,d:s4:admin', 'jwt+oauth2', exists);
  assert.deepEqual(s.map((x) => x.mode), ['jwt', 'oauth2', 'jwt+oauth2', 'jwt+oauth2']);
});

test('parseClientSpecs() refuses a 4th field outside hybrid mode', () => {
  assert.throws(() => parseClientSpecs('a:s:admin:jwt', 'jwt', exists), /only allowed when AUTH_MODE=jwt\+oauth2/);
});

test('parseClientSpecs() refuses duplicates (case-insensitive), bad names and bad modes', () => {
  assert.throws(() => parseClientSpecs('a:s:admin,A:t:admin', 'jwt', exists), /lists client "A" twice/);
  for (const bad of ['a_b:s:admin', '-a:s:admin', 'a/../b:s:admin', 'a b:s:admin', ':s:admin']) {
    assert.throws(() => parseClientSpecs(bad, 'jwt', exists), /client name|must have 3 fields/, bad);
  }
  assert.throws(() => parseClientSpecs('a:s:admin:root', 'jwt+oauth2', exists), /must be jwt \/ oauth2 \/ jwt\+oauth2/);
  assert.throws(() => parseClientSpecs('a:s', 'jwt', exists), /must have 3 fields/);
  assert.throws(() => parseClientSpecs('a:s:admin:jwt:x', 'jwt+oauth2', exists), /must have 3 fields/);
});

test('parseClientSpecs() names the client whose profile does not exist', () => {
  assert.throws(() => parseClientSpecs('alice:s:admin,eve:s2:superuser', 'jwt', exists), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'E_CONFIG_INVALID');
    assert.match(err.message, /client "eve": profile "superuser" does not exist in profiles\//);
    return true;
  });
});
