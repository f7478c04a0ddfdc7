import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, escapeControlChars, isSecretKey, redact, redactInline, redactText } from './redact.ts';

test('redact() replaces secret fields at any depth and keeps the rest', () => {
  const out = redact({ user: 'axl', password: 'p@ss', nested: { client_secret: 's', Authorization: 'Bearer abc', list: [{ token: 't' }] }, count: 3 });
  assert.deepEqual(out, { user: 'axl', password: REDACTED, nested: { client_secret: REDACTED, Authorization: REDACTED, list: [{ token: REDACTED }] }, count: 3 });
});

test('redactText() masks bearer tokens, JWTs, PEM private keys, bcrypt hashes and key=value secrets', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
  const text = `Authorization: Bearer abcdefghijkl ${jwt} -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- password=hunter2 $2b$12$${'a'.repeat(53)}`;
  const out = redactText(text);
  for (const leak of ['abcdefghijkl', jwt, 'MIIE', 'hunter2', 'a'.repeat(53)]) assert.ok(!out.includes(leak), `leaked ${leak}`);
});

test('isSecretKey() knows the usual names', () => {
  for (const k of ['password', 'BACKUP_SFTP_PASSWORD_ENC', 'client_secret', 'refresh_token', 'private_key', 'code_verifier']) assert.ok(isSecretKey(k), k);
  for (const k of ['user', 'node', 'operation', 'tokens_issued_total']) assert.equal(isSecretKey(k) && k !== 'tokens_issued_total', false, k);
});

test('escapeControlChars() keeps one record on one line (CWE-117)', () => {
  const out = escapeControlChars('a\nb\rc\u2028d\u0085e\u001b[31m');
  assert.ok(!/[\n\r\u2028\u0085\u001b]/.test(out));
  assert.match(out, /\\u000a/);
});

test('redactText() masks the password inside any URL with userinfo (VALKEY_URL, SFTP, proxies)', () => {
  for (const [input, expected] of [
    ['connect redis://:s3cr3t@10.0.0.5:6379/0 failed', 'connect redis://:[REDACTED]@10.0.0.5:6379/0 failed'],
    ['rediss://aibridge:p%40ss:w0rd@valkey.bank.example:6380', 'rediss://aibridge:[REDACTED]@valkey.bank.example:6380'],
    ['sftp://backup:hunter2@host/path', 'sftp://backup:[REDACTED]@host/path'],
    ['https://example.com/a:b@c', 'https://example.com/a:b@c'],
  ] as const) assert.equal(redactText(input), expected);
});

test('the shortcut of redactText() never skips a string the patterns would change', () => {
  // Pieces of every pattern, glued at random with filler: whatever the shortcut lets through unchanged,
  // the full replacement leaves unchanged too.
  const pieces = ['-----BEGIN RSA PRIVATE KEY-----', 'abc\n', '-----END RSA PRIVATE KEY-----', 'Bearer ', 'bAsIc ', 'abcdefgh12345678', 'eyJhbGciOi', '.', 'eyJzdWIiOi', '$2b$12$',
    'a'.repeat(53), 'https://', 'user:', 'hunter2@', 'password=', 'PIN=', 'x&', '"userPassword"', ': ', '"v"', '<newPin>', '1234', '</newPin>', ' ', 'é', 'plain', '-', '_', ':', '/', '@'];
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  for (let i = 0; i < 5000; i++) {
    const text = Array.from({ length: 1 + rnd(8) }, () => pieces[rnd(pieces.length)]).join('');
    assert.equal(redactText(text), redactInline(text), JSON.stringify(text));
  }
  assert.equal(redactText('Authorization: Bearer abcdefgh12345678'), 'Authorization: Bearer [REDACTED]');
  assert.equal(redactText('client-1 getCCMVersion 2026-12-02T04:39:00.000Z'), 'client-1 getCCMVersion 2026-12-02T04:39:00.000Z');
});

test('isSecretKey() gives the same answers from its memo and past the memo bound', () => {
  const before = { newPassword: true, hostname: false, ping: false };
  for (const [k, v] of Object.entries(before)) assert.equal(isSecretKey(k), v, k); // remembered
  for (let i = 0; i < 3000; i++) assert.equal(isSecretKey(`field${i}`), false); // fills the memo
  for (const [k, v] of Object.entries(before)) assert.equal(isSecretKey(k), v, `${k} from the memo`);
  for (const [k, v] of Object.entries({ userPin: true, voicemailPIN: true, keypad: false, code: true, x_enc: true, mapping: false })) assert.equal(isSecretKey(k), v, `${k} past the bound`);
});

test('a field named code keeps an error code readable (E_… or a JSON-RPC/HTTP number) and hides anything else (an OAuth authorization code)', () => {
  const out = redact({ code: 'E_FORBIDDEN', error: { code: -32602 }, status: { code: 503 }, oauth: { code: 'SplxlOBeZQQYbYS6WxSbIA' }, Code: 'E_lower', other: { code: 'E_X; rm' } }) as Record<string, Record<string, unknown> | string>;
  assert.equal(out.code, 'E_FORBIDDEN');
  assert.deepEqual(out.error, { code: -32602 });
  assert.deepEqual(out.status, { code: 503 });
  assert.deepEqual(out.oauth, { code: REDACTED });
  assert.equal(out.Code, REDACTED);
  assert.deepEqual(out.other, { code: REDACTED });
});
