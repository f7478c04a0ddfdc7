import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { encodePieces, spliceLargeAnswers, splicedMessage } from './spliced-answer.ts';
import { ciscoResult } from './tools/tool-result.ts';
import { DirectCallTransport, protocolRequestEntry } from './direct-call-transport.ts';

const enc = new TextEncoder();

function bytesOf(message: unknown): Uint8Array {
  const pieces = splicedMessage(message);
  assert.ok(pieces, 'the answer is spliced');
  const parts = [...encodePieces(pieces, enc)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

const answer = (result: unknown): Record<string, unknown> => ({ result, jsonrpc: '2.0', id: 7 });

test('a marked answer is written as the exact bytes of JSON.stringify of the message', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ name: `SEP${i}`, description: `Ł "q" \\ back\nline\t\u2028 ř ${'😀'.repeat(i % 3)} <x>&`, n: i, ok: i % 2 === 0, nil: null }));
  const r = ciscoResult({ node: 'cucm1', rows: rows.length }, rows);
  const msg = answer(r);
  assert.deepEqual(bytesOf(msg), enc.encode(JSON.stringify(msg)));
});

test('pieces never cut a surrogate pair, wherever the pair falls', () => {
  for (const pad of ['', 'a']) {
    const r = ciscoResult({ pad }, ['😀'.repeat(1_200_000)]);
    const msg = answer(r);
    assert.ok(bytesOfEqual(bytesOf(msg), enc.encode(JSON.stringify(msg))), `pad ${JSON.stringify(pad)}`);
  }
});

function bytesOfEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

test('an answer whose values changed after the text was made, or a small one, is not spliced', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ name: `SEP${i}`, description: 'x'.repeat(30) }));
  const r = ciscoResult({ node: 'cucm1' }, rows);
  const sc = r.structuredContent as Record<string, unknown>;
  assert.ok(splicedMessage(answer({ ...r, structuredContent: { ...sc } })), 'a shallow copy holding the same values is spliced');
  assert.equal(splicedMessage(answer({ ...r, structuredContent: { ...sc, node: 'other' } })), undefined);
  assert.equal(splicedMessage(answer({ ...r, structuredContent: { ...sc, extra: 1 } })), undefined);
  assert.equal(splicedMessage(answer({ ...r, content: [{ type: 'text', text: 'other' }] })), undefined);
  assert.equal(splicedMessage(answer(ciscoResult({ node: 'cucm1' }, rows.slice(0, 10)))), undefined);
});

test('through the SDK server and transport, a large Cisco answer arrives spliced and equal to the SDK encoding', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `SEP${String(i).padStart(12, '0')}`, description: `Ł "lobby" \\ ${i}` }));
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(z.looseObject({ method: z.literal('tools/call'), params: z.unknown().optional() }), () => ciscoResult({ node: 'cucm1', rows: rows.length }, rows));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 's1' });
  spliceLargeAnswers(transport);
  await server.connect(transport);
  const post = (body: unknown, session: Record<string, string> = {}): Request => new Request('http://localhost/mcp', {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...session }, body: JSON.stringify(body),
  });
  await (await transport.handleRequest(post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }))).text();
  const res = await transport.handleRequest(post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x', arguments: {} } }, { 'mcp-session-id': 's1' }));
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  const body = Buffer.concat(chunks).toString('utf8');
  assert.ok(chunks.length > 3, 'written in pieces, not as one SDK event');
  const expected = ciscoResult({ node: 'cucm1', rows: rows.length }, rows);
  assert.equal(body, `event: message\ndata: ${JSON.stringify({ result: expected, jsonrpc: '2.0', id: 2 })}\n\n`);
  await server.close();
});

test('a tools/call answered through DirectCallTransport (as mcp-session.ts wires it) is spliced too, same bytes', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `SEP${String(i).padStart(12, '0')}`, description: `Ł "lobby" \\ ${i}` }));
  const sdk = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 's1' });
  spliceLargeAnswers(sdk);
  // Count what the writer the direct transport uses enqueues per event (a wrapper on the spliced one).
  const pieces: number[] = [];
  const t = sdk as unknown as { writeSSEEvent: (sink: { enqueue(c: Uint8Array): void }, e: TextEncoder, m: unknown) => boolean };
  const spliced = t.writeSSEEvent;
  t.writeSSEEvent = (sink, e, m) => { let n = 0; const ok = spliced({ enqueue(c) { n++; sink.enqueue(c); } }, e, m); pieces.push(n); return ok; };
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  const direct = new DirectCallTransport(sdk, protocolRequestEntry(server));
  server.setRequestHandler(z.looseObject({ method: z.literal('tools/call'), params: z.unknown().optional() }), () => ciscoResult({ node: 'cucm1', rows: rows.length }, rows));
  await server.connect(direct);
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } };
  await (await sdk.handleRequest(new Request('https://aibridge.invalid/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) }))).text();
  const answered = direct.call({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x', arguments: {} } }, new Headers(), { token: '', clientId: 'alice', scopes: [] }, 'https://aibridge.invalid/mcp');
  assert.ok(answered, 'the direct transport took the call');
  const body = await (await answered).response.text();
  const expected = ciscoResult({ node: 'cucm1', rows: rows.length }, rows);
  assert.equal(body, `event: message\ndata: ${JSON.stringify({ result: expected, jsonrpc: '2.0', id: 3 })}\n\n`);
  assert.ok(pieces.at(-1)! > 3, `the answer was written in pieces (${pieces.join(', ')})`);
  await server.close();
});
