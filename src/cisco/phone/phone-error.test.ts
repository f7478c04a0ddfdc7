import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_ERRORS, phoneError, phoneErrorNumber } from './phone-error.ts';

test('every documented CiscoIPPhoneError number is recognised and explained; other bodies are not errors', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 6]) {
    for (const body of [`<CiscoIPPhoneError Number="${n}"/>`, `<?xml version="1.0" encoding="utf-8"?>\n<CiscoIPPhoneError Number='${n}' />`, `  <CiscoIPPhoneError Number="${n}"></CiscoIPPhoneError>`]) {
      assert.equal(phoneErrorNumber(Buffer.from(body)), n, body);
    }
    const e = phoneError('SEP001122334455', '/CGI/Screenshot', n);
    assert.ok(e.message.includes(PHONE_ERRORS[n]!.meaning));
    assert.ok((e.hint ?? '').length > 20);
  }
  assert.match(phoneError('SEP1', '/CGI/Screenshot', 42).message, /does not document/);
  for (const body of ['\\x89PNG\\r\\n', 'BM....', '<DeviceInformation><CiscoIPPhoneError Number="4"/></DeviceInformation>', '<CiscoIPPhoneText><Text>CiscoIPPhoneError Number="4"</Text></CiscoIPPhoneText>']) {
    assert.equal(phoneErrorNumber(Buffer.from(body)), undefined, body);
  }
});
