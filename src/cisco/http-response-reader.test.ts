import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResponseReader } from './http-response-reader.ts';
import type { ResponseHead } from './http-response-reader.ts';

/** Feed `wire` cut at every `step` bytes (and once whole); the head, the body and whether it completed. */
function read(wire: Buffer | string, step = wire.length, close = true): { head: ResponseHead | undefined; body: Buffer; done: boolean } {
  const w = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'latin1');
  let head: ResponseHead | undefined;
  const parts: Buffer[] = [];
  const r = new HttpResponseReader('cucm-x', { head: (h) => { head = h; }, body: (d) => parts.push(Buffer.from(d)) });
  for (let i = 0; i < w.length && !r.done; i += Math.max(1, step)) r.push(w.subarray(i, i + Math.max(1, step)));
  if (close) r.finish();
  return { head, body: Buffer.concat(parts), done: r.done };
}

const chunked = 'HTTP/1.1 200 OK\r\nContent-Type: multipart/related; boundary="b"\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';

test('HttpResponseReader reads a chunked answer split at every byte, trailers included', () => {
  for (let step = 1; step <= chunked.length; step++) {
    const r = read(chunked, step);
    assert.equal(r.head?.statusCode, 200);
    assert.equal(r.head?.headers['content-type'], 'multipart/related; boundary="b"');
    assert.equal(r.body.toString(), 'hello, world', `step ${step}`);
    assert.equal(r.done, true);
  }
});

test('HttpResponseReader reads a Content-Length answer and ignores what follows it; an answer without framing ends with the connection', () => {
  const r = read('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA', 3, false);
  assert.equal(r.body.toString(), 'abcd');
  assert.equal(r.done, true);
  const c = read('HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/xml\r\n\r\n<fault/>', 2);
  assert.equal(c.head?.statusCode, 500);
  assert.equal(c.body.toString(), '<fault/>');
  const empty = read('HTTP/1.1 204 No Content\r\n\r\n', 100, false);
  assert.equal(empty.done, true);
});

test('HttpResponseReader skips an interim 100 Continue, joins repeated headers and lower-cases names', () => {
  const r = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSET-COOKIE: b=2\r\nContent-Length: 2\r\n\r\nok', 5);
  assert.equal(r.head?.statusCode, 200);
  assert.equal(r.head?.headers['set-cookie'], 'a=1, b=2');
  assert.equal(r.body.toString(), 'ok');
});

test('HttpResponseReader refuses a truncated body: Content-Length short, chunked without its last chunk, no head at all', () => {
  assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), /truncated/);
  assert.throws(() => read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'), /truncated/);
  assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-'), /before a complete response head/);
  assert.throws(() => read(''), /before a complete response head/);
});

test('HttpResponseReader refuses ambiguous or malformed framing and heads (E_CISCO_PROTOCOL, reason malformed_answer)', () => {
  const bad: Array<[string, RegExp]> = [
    ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', /both Transfer-Encoding and Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', /unsupported Transfer-Encoding/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n', /bad Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n', /bad Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /not followed by CRLF/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + 'f'.repeat(13) + '\r\n', /bad chunk size/],
    ['HTTP/2 200\r\n\r\n', /status line is not HTTP\/1.1/],
    ['ICY 200 OK\r\n\r\n', /status line/],
    ['HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n', /bad header line/],
    ['HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n', /bad header line/],
    ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', /bad header line/],
    ['HTTP/1.1 200 OK\r\nX: a\nInjected: b\r\n\r\n', /control character/],
    ['HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n', /control character/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
  ];
  for (const [wire, why] of bad) {
    assert.throws(() => read(wire), (err: Error & { code?: string; upstream?: { reason?: string; node?: string } }) => {
      assert.match(err.message, why, JSON.stringify(wire));
      assert.equal(err.code, 'E_CISCO_PROTOCOL');
      assert.equal(err.upstream?.reason, 'malformed_answer');
      assert.equal(err.upstream?.node, 'cucm-x');
      return true;
    });
  }
});

test('HttpResponseReader bounds what it holds: a head, a chunk size line or trailers that never end are refused', () => {
  assert.throws(() => read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`, 4096, false), /head exceeds 65536 bytes/);
  assert.throws(() => read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`, 100_000, false), /head exceeds/);
  assert.throws(() => read(`HTTP/1.1 200 OK\r\n${'X: 1\r\n'.repeat(101)}\r\n`), /more than 100 header fields/);
  assert.throws(() => read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(5000)}`, 1000, false), /chunk size line is longer/);
  assert.throws(() => read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'T: x\r\n'.repeat(12_000)}`, 4096, false), /trailers exceed/);
});

test('HttpResponseReader hands body bytes over as views of the input, without copying a large chunk', () => {
  const body = Buffer.alloc(1 << 20, 0x61);
  const wire = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n'), body]);
  const views: Buffer[] = [];
  const r = new HttpResponseReader('cucm-x', { head: () => undefined, body: (d) => views.push(d) });
  r.push(wire);
  assert.equal(r.done, true);
  assert.equal(views.length, 1);
  assert.equal(views[0]!.buffer, wire.buffer, 'a view of the chunk pushed, not a copy');
});
