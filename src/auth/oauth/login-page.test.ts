import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from './login-page.ts';
import { makeRig } from '../test-harness.ts';

test('escapeHtml() neutralises markup and attribute breakouts', () => {
  assert.equal(escapeHtml(`<script>"x'=\`&`), '&#60;script&#62;&#34;x&#39;&#61;&#96;&#38;');
});

test('the error page escapes what it shows and carries the page headers', async () => {
  const r = await makeRig();
  const res = await r.call('/authorize?client_id=%3Cimg%20src%3Dx%3E&response_type=code');
  assert.equal(res.status, 400);
  const html = await res.text();
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('location'), null);
});
