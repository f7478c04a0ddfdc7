import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { GCM_IV_BYTES, gcmCipher, gcmDecipher } from './aes-gcm.ts';
import { oaepDecrypt, oaepEncrypt } from './rsa-oaep.ts';

const seal = (key: Buffer, iv: Buffer, aad: Buffer, plain: Buffer): { data: Buffer; tag: Buffer } => {
  const c = gcmCipher(key, iv, aad);
  const data = Buffer.concat([c.update(plain), c.final()]);
  return { data, tag: c.getAuthTag() };
};
const open = (key: Buffer, iv: Buffer, aad: Buffer, tag: Buffer, data: Buffer): Buffer => {
  const d = gcmDecipher(key, iv, aad, tag);
  return Buffer.concat([d.update(data), d.final()]);
};

test('AES-256-GCM: round trip; another AAD, a flipped bit or a truncated tag is refused', () => {
  const key = randomBytes(32); const iv = randomBytes(GCM_IV_BYTES); const aad = Buffer.from('aibridge-credentials:alice');
  const plain = Buffer.from('secret text');
  const { data, tag } = seal(key, iv, aad, plain);
  assert.deepEqual(open(key, iv, aad, tag, data), plain);
  assert.throws(() => open(key, iv, Buffer.from('aibridge-credentials:bob'), tag, data), /authenticate/);
  const flipped = Buffer.from(data); flipped[0]! ^= 1;
  assert.throws(() => open(key, iv, aad, tag, flipped), /authenticate/);
  for (const n of [0, 4, 8, 12, 15]) assert.throws(() => open(key, iv, aad, tag.subarray(0, n), data), /16-byte tag/, `a ${n}-byte tag`);
});

test('AES-256-GCM: a key or IV of another length fails instead of weakening the cipher', () => {
  for (const k of [0, 16, 24, 31, 33]) assert.throws(() => gcmCipher(randomBytes(k), randomBytes(12), Buffer.alloc(0)), /32-byte key/, `key of ${k}`);
  for (const v of [0, 8, 11, 13, 16]) assert.throws(() => gcmCipher(randomBytes(32), randomBytes(v), Buffer.alloc(0)), /12-byte IV/, `IV of ${v}`);
});

test('RSA-OAEP: SHA-512 round trip; a block wrapped with OAEP-SHA1 or for another key does not unwrap', () => {
  const a = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const b = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dek = randomBytes(32);
  assert.deepEqual(oaepDecrypt(a.privateKey, oaepEncrypt(a.publicKey, dek)), dek);
  const sha1 = publicEncrypt({ key: a.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, dek);
  assert.throws(() => oaepDecrypt(a.privateKey, sha1));
  assert.throws(() => oaepDecrypt(b.privateKey, oaepEncrypt(a.publicKey, dek)));
});
