import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRedirectUri, matchesRegistered } from './redirect-uri.ts';

const strict = { registrations: { app: ['https://app.example.com/cb', 'http://127.0.0.1/callback', 'https://*.corp.example/oauth/cb', 'https://ide.example:*/cb'] }, enforcement: 'strict' as const };

test('checkRedirectUri() accepts exact registered URIs', () => {
  assert.deepEqual(checkRedirectUri(strict, 'app', 'https://app.example.com/cb'), { ok: true, registered: true });
});

test('checkRedirectUri() refuses near misses (T-AS-05)', () => {
  for (const uri of [
    'https://app.example.com/cb/', 'https://app.example.com/CB', 'https://app.example.com/cb?x=1', 'https://app.example.com/cb#f',
    'https://app.example.com:444/cb', 'https://app.example.com/x/../cb', 'https://app.example.com@evil.example/cb',
    'https://good@app.example.com/cb', 'https://app.example.com/%63b', 'https://evil.example/cb', 'https://app.example.com.evil.example/cb',
  ]) assert.equal(checkRedirectUri(strict, 'app', uri).ok, false, uri);
});

test('a registered loopback URI matches any port, a non-loopback one does not (T-AS-06)', () => {
  assert.equal(checkRedirectUri(strict, 'app', 'http://127.0.0.1:53123/callback').ok, true);
  assert.equal(checkRedirectUri(strict, 'app', 'http://127.0.0.1:53123/other').ok, false);
  assert.equal(checkRedirectUri(strict, 'app', 'https://app.example.com:8443/cb').ok, false);
});

test('matchesRegistered() wildcards cover one host label, a port, or a path segment only', () => {
  assert.equal(matchesRegistered('https://*.corp.example/oauth/cb', 'https://ide.corp.example/oauth/cb'), true);
  assert.equal(matchesRegistered('https://*.corp.example/oauth/cb', 'https://evil.example/.corp.example/oauth/cb'), false);
  assert.equal(matchesRegistered('https://*.corp.example/oauth/cb', 'https://a.b.corp.example/oauth/cb'), false);
  assert.equal(matchesRegistered('https://ide.example:*/cb', 'https://ide.example:9443/cb'), true);
  assert.equal(matchesRegistered('https://ide.example:*/cb', 'https://ide.example:9443/cb2'), false);
  assert.equal(matchesRegistered('https://app.example/*/cb', 'https://app.example/x/cb'), true);
  assert.equal(matchesRegistered('https://app.example/*/cb', 'https://app.example/x/y/cb'), false);
});

test('under strict enforcement a client without registrations is refused', () => {
  assert.equal(checkRedirectUri(strict, 'other', 'https://app.example.com/cb').ok, false);
});

test('under "off" an unregistered https, loopback or private-use URI is allowed, nothing else', () => {
  const off = { registrations: {}, enforcement: 'off' as const };
  assert.deepEqual(checkRedirectUri(off, 'x', 'https://claude.ai/api/mcp/auth_callback'), { ok: true, registered: false });
  assert.equal(checkRedirectUri(off, 'x', 'http://127.0.0.1:33418/').ok, true);
  assert.equal(checkRedirectUri(off, 'x', 'cursor.app://oauth/callback').ok, true);
  for (const bad of ['http://evil.example/cb', 'javascript:alert(1)', 'data:text/html,x', 'cb', '', 'https://a.example/cb#x']) {
    assert.equal(checkRedirectUri(off, 'x', bad).ok, false, bad);
  }
});

test('a client named like an Object.prototype member has no registrations but its own (none: the open rules apply; strict: refused)', () => {
  for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
    const open = checkRedirectUri({ registrations: {}, enforcement: 'off' }, name, 'https://app.example.com/cb');
    assert.deepEqual(open, { ok: true, registered: false }, name);
    const strict = checkRedirectUri({ registrations: {}, enforcement: 'strict' }, name, 'https://app.example.com/cb');
    assert.equal(strict.ok, false, name);
    const own = checkRedirectUri({ registrations: JSON.parse(`{"${name}": ["https://app.example.com/cb"]}`) as Record<string, string[]>, enforcement: 'strict' }, name, 'https://app.example.com/cb');
    assert.deepEqual(own, { ok: true, registered: true }, name);
  }
});
