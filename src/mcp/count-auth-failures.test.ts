import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimedClient, configuredClients } from './count-auth-failures.ts';

const jwt = (claims: object): string => `Bearer eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

test('claimedClient() labels a failure with a configured client name only, never free text (T-SC-05)', () => {
  const known = configuredClients('alice:sub-a:admin, olga:sub-o:operator:jwt');
  assert.deepEqual([...known], ['alice', 'olga']);
  assert.equal(claimedClient(jwt({ client_id: 'olga' }), known), 'olga');
  assert.equal(claimedClient(jwt({ client_id: 'x"} evil 1\n' }), known), 'unknown');
  assert.equal(claimedClient(jwt({ sub: 'alice' }), known), 'unknown');
  assert.equal(claimedClient('Bearer not-a-jwt', known), 'unknown');
  assert.equal(claimedClient('Basic YTpi', known), 'unknown');
  assert.equal(claimedClient(undefined, known), 'unknown');
  assert.equal(claimedClient('Bearer a.!!!.c', known), 'unknown');
});
