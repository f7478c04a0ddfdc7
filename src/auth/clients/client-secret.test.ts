import { test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { checkClientSecret, generateClientSecret, isBcryptHash, SecretCheckBusyError } from './client-secret.ts';

test('generateClientSecret() makes 256-bit secrets and cost-12 bcrypt hashes', async () => {
  const { secret, hash } = await generateClientSecret();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.match(hash, /^\$2b\$12\$/);
  assert.equal(await checkClientSecret(hash, secret), true);
  assert.equal(await checkClientSecret(hash, `${secret}x`), false);
});

test('checkClientSecret() says no for an unknown client and for input bcrypt would truncate', async () => {
  assert.equal(await checkClientSecret(undefined, 'anything'), false);
  assert.equal(isBcryptHash('not-a-hash'), false);
  const long = 'a'.repeat(80);
  const hash = bcrypt.hashSync(long.slice(0, 72), 4);
  assert.equal(await checkClientSecret(hash, long.slice(0, 72)), true);
  assert.equal(await checkClientSecret(hash, long), false, 'a 73+ byte secret is not accepted through truncation');
});

test('T-AS-23 a flood of secret checks is bounded: excess calls fail fast with SecretCheckBusyError', async () => {
  const hash = bcrypt.hashSync('s', 4);
  const results = await Promise.allSettled(Array.from({ length: 80 }, () => checkClientSecret(hash, 's')));
  const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof SecretCheckBusyError).length;
  assert.equal(busy, 80 - 2 - 64);
  assert.ok(results.filter((r) => r.status === 'fulfilled').every((r) => (r as PromiseFulfilledResult<boolean>).value));
});
