import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cupiQueryString, normaliseCupiPath } from './cupi-path.ts';
import { AppError } from '../../lib/errors.ts';

const refused = (e: unknown): boolean => e instanceof AppError && e.code === 'E_FORBIDDEN' && /^Refused CUPI path/.test(e.message);

test('normaliseCupiPath() keeps paths under /vmrest/', () => {
  assert.equal(normaliseCupiPath('/vmrest/users'), '/vmrest/users');
  assert.equal(normaliseCupiPath('/vmrest/users/'), '/vmrest/users');
  assert.equal(normaliseCupiPath('/vmrest/handlers/callhandlers/3e1a0c6e-1e0f-4bd3-a2f6-0b0b0b0b0b0b'), '/vmrest/handlers/callhandlers/3e1a0c6e-1e0f-4bd3-a2f6-0b0b0b0b0b0b');
  assert.equal(normaliseCupiPath('/vmrest/users/a%2Db'), '/vmrest/users/a%2Db');
});

test('normaliseCupiPath() refuses traversal, encodings, absolute URLs and query injection (T-IN-31, T-IN-40, T-IN-43)', () => {
  for (const p of ['/vmrest/../../etc/passwd', '/vmrest/users/..', '/vmrest/./users', '/vmrest/%2e%2e/%2e%2e/etc', '/vmrest/%252e%252e%252f', '/vmrest/..%00',
    '/vmrest/users%2f..%2f..', '/vmrest/users\\..\\x', 'https://cuc@127.0.0.1/vmrest/users', 'HTTPS://127.0.0.1/vmrest/', '//127.0.0.1/vmrest/users', 'file:///etc/passwd',
    'gopher://x/vmrest/', '/vmrest/users?query=x', '/vmrest/users#x', '/etc/passwd', '/vmrestx/users', 'vmrest/users', '/vmrest//users', '/vmrest/users/%zz',
    '/vmrest/\u2025/x', '/vmrest/\uff0e\uff0e/x', '/vmrest/users x', '/vmrest/users\n', 'C:\\vmrest', '\\\\host\\share']) {
    assert.throws(() => normaliseCupiPath(p), refused, JSON.stringify(p));
  }
});

test('cupiQueryString() encodes values and refuses odd parameter names', () => {
  assert.equal(cupiQueryString({ rowsPerPage: 2, query: '(alias startswith j&x=1)' }), '?rowsPerPage=2&query=%28alias+startswith+j%26x%3D1%29');
  assert.throws(() => cupiQueryString({ 'a&b': 1 }), AppError);
});

test('#12.13 malformed percent escapes are a refusal (E_FORBIDDEN), never an uncaught URIError', () => {
  for (const p of ['/vmrest/users/%c0%ae%c0%ae', '/vmrest/%c0%ae', '/vmrest/users/%ff', '/vmrest/users/%80abc', '/vmrest/users/%ed%a0%80',
    '/vmrest/users/%e0%80%af', '/vmrest/users/%f8%88%80%80%80', '/vmrest/users/a%c3']) {
    assert.throws(() => normaliseCupiPath(p), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /not valid UTF-8/.test(e.message), p);
  }
});
