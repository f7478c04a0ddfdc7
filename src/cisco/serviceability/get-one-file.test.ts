/**
 * GetOneFile against a plain local HTTP server that answers the ways a node can: the old binary
 * DIME format (refused with a clear error: Cisco documents only the SOAP-with-attachments answer),
 * a body cut off before its closing boundary (nothing is kept), and a good answer whose file
 * arrives in chunks that split the delimiter (kept intact, mode 600).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceabilityClient } from './serviceability-client.ts';
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';

let answer: (res: ServerResponse) => void = (res) => res.end();
const server = createServer((req, res) => { req.resume(); req.on('end', () => answer(res)); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => new Promise<void>((r) => server.close(() => r())));

// No TLS policy: the plain-TCP path of the outbound helper (tests only; nodes are always HTTPS).
const client = new ServiceabilityClient({ tls: undefined as unknown as TlsPolicy, timeoutMs: 10_000, maxBytes: 1 << 20, perfmonPerMinute: 80 });
const node: CiscoNode = { name: 'cucm-x', product: 'cucm', host: '127.0.0.1', cluster: 'c', role: 'publisher', httpsPort: (server.address() as AddressInfo).port, sshPort: 22 };
const login = { user: 'u', password: 'p' };
const dir = mkdtempSync(join(tmpdir(), 'aibridge-getonefile-'));
const B = '----=_Part_1_99.77';
const soap = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:GetOneFileResponse xmlns:ns1="http://schemas.cisco.com/ast/soap"/></soapenv:Body></soapenv:Envelope>';
const head = `\r\n--${B}\r\nContent-Type: text/xml\r\nContent-Id: <root>\r\n\r\n${soap}\r\n--${B}\r\nContent-Type: application/octet-stream\r\nContent-Id: <file>\r\n\r\n`;
const multipart = (res: ServerResponse, parts: Buffer[]): void => {
  res.writeHead(200, { 'Content-Type': `multipart/related; type="text/xml"; start="<root>"; boundary="${B}"` });
  for (const p of parts) res.write(p);
  res.end();
};

test('an answer in the old binary DIME format is refused, naming the format', async () => {
  answer = (res) => { res.writeHead(200, { 'Content-Type': 'application/dime' }); res.end(Buffer.from([0x0c, 0x20, 0, 0])); };
  await assert.rejects(client.getOneFile(node, login, '/var/log/active/x.txt', { dest: join(dir, 'dime.txt'), maxBytes: 1 << 20 }), /old binary DIME format/);
  assert.deepEqual(readdirSync(dir), [], 'nothing kept');
});

test('a body cut off before its closing boundary is an error and leaves no file, not even a temp file', async () => {
  answer = (res) => multipart(res, [Buffer.from(head), Buffer.alloc(300_000, 0x61)]);
  await assert.rejects(client.getOneFile(node, login, '/var/log/active/x.txt', { dest: join(dir, 'cut.txt'), maxBytes: 1 << 20 }), /truncated/);
  assert.deepEqual(readdirSync(dir), []);
});

test('a file whose chunks split the delimiter arrives intact, mode 600, with progress', async () => {
  const file = Buffer.concat([Buffer.from('line\r\n'.repeat(50_000)), Buffer.from(`\r\n--${B.slice(0, 5)}not the end\r`)]);
  const body = Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${B}--\r\n`)]);
  const cuts: Buffer[] = [];
  for (let i = 0; i < body.length; i += 7919) cuts.push(body.subarray(i, i + 7919));
  answer = (res) => multipart(res, cuts);
  const seen: number[] = [];
  const r = await client.getOneFile(node, login, '/var/log/active/x.txt', { dest: join(dir, 'ok.txt'), maxBytes: 1 << 20, onProgress: (b) => seen.push(b) });
  assert.equal(r.bytes, file.length);
  assert.ok(readFileSync(join(dir, 'ok.txt')).equals(file));
  assert.equal(statSync(join(dir, 'ok.txt')).mode & 0o777, 0o600);
  assert.equal(seen.at(-1), file.length);
  assert.deepEqual(readdirSync(dir), ['ok.txt']);
});

test('a 64 MiB file with Content-Length streams with flat memory: reads land in one reused buffer and the write pool pauses the socket', async () => {
  const piece = Buffer.alloc(256 * 1024, 0x62);
  const n = 256;
  const tail = Buffer.from(`\r\n--${B}--\r\n`);
  answer = (res) => {
    res.writeHead(200, { 'Content-Type': `multipart/related; type="text/xml"; start="<root>"; boundary="${B}"`, 'Content-Length': String(Buffer.byteLength(head) + n * piece.length + tail.length) });
    res.write(head);
    let i = 0;
    const more = (): void => { while (i < n) { i++; if (!res.write(piece)) { res.once('drain', more); return; } } res.end(tail); };
    more();
  };
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const r = await client.getOneFile(node, login, '/var/log/active/big.txt', { dest: join(dir, 'big.txt'), maxBytes: 1 << 30, onProgress: () => { peak = Math.max(peak, process.memoryUsage().arrayBuffers - before); } });
  assert.equal(r.bytes, n * piece.length);
  assert.equal(statSync(join(dir, 'big.txt')).size, n * piece.length);
  // The pool (4 MiB) and one read buffer; Node's HTTP client held every read until a GC ran (26 MiB here).
  assert.ok(peak < 12 * 1024 * 1024, `array buffers grew by ${(peak / 2 ** 20).toFixed(1)} MiB while 64 MiB went through`);
});

test('an answer that stops halfway through its Content-Length is truncated, and nothing is kept', async () => {
  answer = (res) => {
    res.writeHead(200, { 'Content-Type': `multipart/related; type="text/xml"; start="<root>"; boundary="${B}"`, 'Content-Length': '1000000' });
    res.write(head);
    res.write(Buffer.alloc(1000, 0x63), () => res.socket?.destroy());
  };
  await assert.rejects(client.getOneFile(node, login, '/var/log/active/x.txt', { dest: join(dir, 'half.txt'), maxBytes: 1 << 20 }), /truncated/);
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('half') || f.includes('.tmp')), readdirSync(dir).join(','));
});
