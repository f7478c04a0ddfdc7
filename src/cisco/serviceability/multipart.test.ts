import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MultipartReader, contentTypeParams, multipartBoundary } from './multipart.ts';
import type { MultipartEvent } from './multipart.ts';
import { AppError } from '../../lib/errors.ts';

const B = '----=_Part_7_1234.5678';
const soap = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:GetOneFileResponse xmlns:ns1="http://schemas.cisco.com/ast/soap"/></soapenv:Body></soapenv:Envelope>';

function body(file: Buffer, boundary = B): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\nContent-Id: <soap-root>\r\n\r\n${soap}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-Id: <file-part>\r\n\r\n`, 'latin1'),
    file, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
}

/** Feed `input` in chunks of the given sizes (cycled); collect parts. */
function parse(input: Buffer, sizes: number[]): { headers: Record<string, string>; data: Buffer }[] {
  const r = new MultipartReader(B);
  const parts: { headers: Record<string, string>; chunks: Buffer[] }[] = [];
  const take = (evs: MultipartEvent[]): void => {
    for (const e of evs) {
      if (e.type === 'part') parts.push({ headers: e.headers, chunks: [] });
      else if (e.type === 'data') parts[parts.length - 1]!.chunks.push(Buffer.from(e.data));
    }
  };
  let off = 0;
  for (let i = 0; off < input.length; i++) {
    const n = sizes[i % sizes.length]!;
    take(r.push(input.subarray(off, off + n)));
    off += n;
  }
  r.finish();
  return parts.map((p) => ({ headers: p.headers, data: Buffer.concat(p.chunks) }));
}

test('multipart: every split of the input, including inside boundaries and CRLFs, gives the same parts', () => {
  // A file that contains near-boundaries: CRLF, "--", and the boundary without its leading CRLF.
  const file = Buffer.concat([Buffer.from(`line 1\r\n--${B.slice(0, -1)}X\r\n--\r\n${B}\r\n`), Buffer.from([0, 255, 13, 10, 45, 45])]);
  const input = body(file);
  for (let n = 1; n <= 40; n++) {
    const parts = parse(input, [n]);
    assert.equal(parts.length, 2, `chunk size ${n}`);
    assert.equal(parts[0]!.data.toString(), soap);
    assert.equal(parts[1]!.headers['content-id'], '<file-part>');
    assert.ok(parts[1]!.data.equals(file), `file intact with chunk size ${n}`);
  }
  // Irregular chunk sizes straddling every position of the closing delimiter.
  for (let a = 1; a < 30; a++) assert.ok(parse(input, [a, 3, 17, 1]).at(1)!.data.equals(file));
});

test('multipart: a large attachment streams through in slices with flat memory', () => {
  const r = new MultipartReader(B);
  const head = body(Buffer.alloc(0)).subarray(0, body(Buffer.alloc(0)).length - `\r\n--${B}--\r\n`.length);
  r.push(head);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const hash = createHash('sha256');
  const expected = createHash('sha256');
  const before = process.memoryUsage().rss;
  let total = 0;
  // 200 MiB through the reader; holding it would grow RSS by more than 200 MiB, garbage not yet
  // collected in this synchronous loop stays well under 96 MiB.
  for (let i = 0; i < 3200; i++) {
    for (const e of r.push(chunk)) if (e.type === 'data') { hash.update(e.data); total += e.data.length; }
    expected.update(chunk);
  }
  for (const e of r.push(Buffer.from(`\r\n--${B}--\r\n`))) if (e.type === 'data') { hash.update(e.data); total += e.data.length; }
  r.finish();
  assert.equal(total, 3200 * 64 * 1024);
  assert.equal(hash.digest('hex'), expected.digest('hex'));
  const grown = process.memoryUsage().rss - before;
  assert.ok(grown < 96 * 1024 * 1024, `RSS grew ${grown} bytes while 200 MiB streamed through`);
});

test('multipart: truncated bodies, oversized headers, too many parts and bad boundaries are refused', () => {
  const input = body(Buffer.from('data'));
  const r = new MultipartReader(B);
  r.push(input.subarray(0, input.length - 10));
  assert.throws(() => r.finish(), (e: unknown) => e instanceof AppError && /truncated/.test(e.message));
  const big = new MultipartReader(B, { maxHeaderBytes: 1024 });
  assert.throws(() => big.push(Buffer.from(`--${B}\r\nX-Junk: ${'a'.repeat(5000)}`)), /headers exceed/);
  const many = new MultipartReader(B, { maxParts: 3 });
  assert.throws(() => many.push(Buffer.from(`--${B}\r\n\r\na\r\n`.repeat(5))), /more than 3 parts/);
  assert.throws(() => multipartBoundary('text/xml'), AppError);
  assert.throws(() => multipartBoundary('multipart/related; boundary=""'), AppError);
  assert.throws(() => multipartBoundary(`multipart/related; boundary="${'x'.repeat(71)}"`), AppError);
  assert.equal(multipartBoundary(`multipart/related; type="text/xml"; start="<a;b>"; boundary="${B}"`), B);
  assert.equal(contentTypeParams('multipart/related; start="<a;b>"; boundary=x').params.start, '<a;b>');
});

test('multipart: a chunk is held back only where it could end inside a delimiter', () => {
  const r = new MultipartReader(B);
  const head = body(Buffer.alloc(0)).subarray(0, body(Buffer.alloc(0)).length - `\r\n--${B}--\r\n`.length);
  r.push(head);
  const dataOf = (evs: MultipartEvent[]): Buffer[] => evs.filter((e) => e.type === 'data').map((e) => (e as { data: Buffer }).data);
  // Ends in text: passed on whole, as one slice of the chunk (no copy, nothing kept).
  const plain = Buffer.from('12:00:00.001 |AppInfo  |SIPTcp - wait_SdlReadRsp\n'.repeat(100));
  assert.deepEqual(dataOf(r.push(plain)).map((d) => d.length), [plain.length]);
  // Ends in "\r\n-": could be the start of the delimiter, so those 3 bytes wait for the next chunk.
  const risky = Buffer.concat([plain, Buffer.from('\r\n-')]);
  assert.deepEqual(dataOf(r.push(risky)).map((d) => d.length), [plain.length]);
  // The next chunk shows it was data after all: the 3 bytes come first, then the chunk.
  const next = Buffer.from('x\r\nmore');
  const out = dataOf(r.push(next));
  assert.equal(Buffer.concat(out).toString(), '\r\n-x\r\nmore');
  // A CR that cannot start the delimiter (followed by other bytes) is not held back.
  const cr = Buffer.from('a\rb\r\nc');
  assert.deepEqual(dataOf(r.push(cr)).map((d) => d.toString()), ['a\rb\r\nc']);
  const end = r.push(Buffer.from(`\r\n--${B}--\r\n`));
  assert.equal(end.at(-1)?.type, 'end');
  r.finish();
});
