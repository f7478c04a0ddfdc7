import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRsaKeyPair } from './rsa-key-pair.ts';
import { signPss, verifyPss } from './pss-signature.ts';
import { AppError } from '../lib/errors.ts';

test('ensureRsaKeyPair() generates a pair once (private 600), then loads it', async () => {
  const d = mkdtempSync(join(tmpdir(), 'rsa-'));
  const a = await ensureRsaKeyPair(join(d, 'p.pem'), join(d, 'q.pem'), 2048);
  assert.equal(a.generated, true);
  assert.equal(statSync(join(d, 'p.pem')).mode & 0o777, 0o600);
  const b = await ensureRsaKeyPair(join(d, 'p.pem'), join(d, 'q.pem'), 2048);
  assert.equal(b.generated, false);
  const sig = signPss(b.privateKey, Buffer.from('x'));
  assert.ok(verifyPss(a.publicKey, Buffer.from('x'), sig));
  assert.equal(verifyPss(a.publicKey, Buffer.from('y'), sig), false);
});

test('ensureRsaKeyPair() refuses a private key that does not match its public key (E_KEY_MISMATCH)', async () => {
  const d1 = mkdtempSync(join(tmpdir(), 'rsa-'));
  const d2 = mkdtempSync(join(tmpdir(), 'rsa-'));
  await ensureRsaKeyPair(join(d1, 'p.pem'), join(d1, 'q.pem'), 2048);
  await ensureRsaKeyPair(join(d2, 'p.pem'), join(d2, 'q.pem'), 2048);
  copyFileSync(join(d2, 'q.pem'), join(d1, 'q.pem'));
  await assert.rejects(ensureRsaKeyPair(join(d1, 'p.pem'), join(d1, 'q.pem'), 2048), (e: unknown) => e instanceof AppError && e.code === 'E_KEY_MISMATCH');
});

test('ensureRsaKeyPair() names an unreadable or corrupt key file (E_KEY_INVALID)', async () => {
  const d = mkdtempSync(join(tmpdir(), 'rsa-'));
  writeFileSync(join(d, 'p.pem'), 'not a key');
  await assert.rejects(ensureRsaKeyPair(join(d, 'p.pem'), join(d, 'q.pem'), 2048), (e: unknown) => e instanceof AppError && e.code === 'E_KEY_INVALID' && e.message.includes('p.pem'));
});
