import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSoapAnswer, SoapAnswerReader } from './soap-response.ts';
import { AppError } from '../../lib/errors.ts';

const ENV = (body: string) => `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const bad = (e: unknown): boolean => e instanceof AppError && e.code === 'E_CISCO_PROTOCOL' && e.upstream?.reason === 'malformed_answer' && /not acceptable XML/.test(e.message);

test('parseSoapAnswer() reads a body and decodes an AXL fault', () => {
  const ok = parseSoapAnswer(ENV('<ns:getPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><phone><name>a&lt;b</name></phone></return></ns:getPhoneResponse>'), 'n');
  assert.ok(ok.ok && ok.name === 'getPhoneResponse');
  assert.deepEqual(ok.value, { return: { phone: { name: 'a<b' } } });
  const f = parseSoapAnswer(ENV('<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Item not valid</faultstring><detail><axlError><axlcode>5007</axlcode><axlmessage>Item not valid: The specified SEP1 was not found</axlmessage></axlError></detail></soapenv:Fault>'), 'n');
  assert.ok(!f.ok);
  assert.equal(f.fault.code, '5007');
});

test('parseSoapAnswer() refuses hostile answers: XXE, billion laughs, deep nesting, prototype keys (T-IN-05)', () => {
  assert.throws(() => parseSoapAnswer(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ENV('<r>&x;</r>')}`, 'n'), bad);
  const lol = '<!DOCTYPE l [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
  assert.throws(() => parseSoapAnswer(`${lol}${ENV('<r>&lol2;</r>')}`, 'n'), bad);
  assert.throws(() => parseSoapAnswer(ENV('<r>&undeclared;</r>'), 'n'), bad);
  assert.throws(() => parseSoapAnswer(ENV(`${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`), 'n'), bad);
  assert.throws(() => parseSoapAnswer(ENV('<__proto__><polluted>1</polluted></__proto__>'), 'n'), (e: unknown) => e instanceof AppError);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => parseSoapAnswer('HTTP Status 401 <html>', 'n'), bad);
});

test('parseSoapAnswer() refuses an element with 50k attributes (bounded work, no timing asserted)', () => {
  const attrs = Array.from({ length: 50_000 }, (_, i) => ` a${i}="v"`).join('');
  assert.throws(() => parseSoapAnswer(ENV(`<r${attrs}/>`), 'n'), bad);
});

test('SoapAnswerReader: an answer read byte by byte (multi-byte characters split) equals parseSoapAnswer of the whole', () => {
  const xml = ENV('<ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><row><name>Zürich – 東京 🎧</name><d>a &amp; b</d></row><row><name>x</name></row></return></ns:executeSQLQueryResponse>');
  const bytes = Buffer.from(xml, 'utf8');
  for (const size of [1, 2, 3, 7, 64, bytes.length]) {
    const r = new SoapAnswerReader('n');
    for (let i = 0; i < bytes.length; i += size) r.write(bytes.subarray(i, i + size));
    assert.deepEqual(r.end(), parseSoapAnswer(xml, 'n'), `pieces of ${size} bytes`);
  }
  const f = new SoapAnswerReader('n');
  f.write(Buffer.from(ENV('<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Item not valid</faultstring><detail><axlError><axlcode>5007</axlcode></axlError></detail></soapenv:Fault>')));
  const ans = f.end();
  assert.ok(!ans.ok && ans.fault.code === '5007');
});

test('SoapAnswerReader refuses what parseSoapAnswer refuses, with the same error, however the answer is cut (T-IN-05)', () => {
  for (const xml of [`<!DOCTYPE r [<!ENTITY x "y">]>${ENV('<r>&x;</r>')}`, ENV('<r>&undeclared;</r>'), ENV(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`), 'HTTP Status 401 <html>', ENV('<r>unterminated')]) {
    const b = Buffer.from(xml);
    for (const cut of [1, Math.floor(b.length / 2), b.length - 1]) {
      const r = new SoapAnswerReader('n');
      r.write(b.subarray(0, cut)); r.write(b.subarray(cut));
      assert.throws(() => r.end(), bad, `${xml.slice(0, 50)} cut at ${cut}`);
    }
  }
});
