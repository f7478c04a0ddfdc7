import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { DirectCallTransport, directCall, protocolRequestEntry } from './direct-call-transport.ts';
import { coalesceEventStream } from './coalesce-event-stream.ts';
import { CallAnswer } from './call-answer.ts';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const AUTH = { token: '', clientId: 'alice', scopes: [] };
const URL_ = 'https://aibridge.invalid/mcp';

/** A Server with one tool: `echo` answers at once; `slow` sends `steps` progress notifications `gapMs` apart first. */
async function harness(entry = true): Promise<{ sdk: WebStandardStreamableHTTPServerTransport; direct: DirectCallTransport; sid: string }> {
  const sdk = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'sid-1' });
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  const direct = new DirectCallTransport(sdk, entry ? protocolRequestEntry(server) : undefined);
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const a = (req.params.arguments ?? {}) as { steps?: number; gapMs?: number; tag?: string };
    const token = req.params._meta?.progressToken;
    for (let i = 1; i <= (a.steps ?? 0); i++) {
      await new Promise((r) => setTimeout(r, a.gapMs ?? 0));
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i } });
    }
    return { content: [{ type: 'text', text: `${req.params.name}:${a.tag ?? ''}:${extra.authInfo?.clientId}:${extra.requestInfo?.headers['x-tag'] ?? ''}` }] };
  });
  await server.connect(direct);
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  await (await sdk.handleRequest(new Request(URL_, { method: 'POST', headers: HEADERS, body: JSON.stringify(init) }))).text();
  return { sdk, direct, sid: 'sid-1' };
}

function call(id: number | string, args: Record<string, unknown>, meta?: Record<string, unknown>): JSONRPCRequest {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: args, ...(meta ? { _meta: meta } : {}) } };
}

function viaSdk(sdk: WebStandardStreamableHTTPServerTransport, body: unknown): Promise<Response> {
  const headers = { ...HEADERS, 'mcp-session-id': 'sid-1', 'mcp-protocol-version': '2025-06-18', 'x-tag': 'h' };
  return sdk.handleRequest(new Request(URL_, { method: 'POST', headers, body: JSON.stringify(body) }), { authInfo: AUTH, parsedBody: body });
}

const reqHeaders = new Headers({ 'x-tag': 'h' });

test('directCall takes only a single well-formed tools/call the SDK would pass on unchanged', () => {
  const ok = call(1, {});
  assert.equal(directCall(ok, '2025-06-18'), ok);
  assert.equal(directCall(ok, undefined), ok, 'no header: the SDK assumes its default version');
  assert.ok(directCall(call('a', {}, { progressToken: 'p' }), '2025-11-25'));
  assert.ok(directCall({ jsonrpc: '2.0', id: 2, method: 'tools/call' }, undefined), 'params left to the handler check');
  assert.equal(directCall(ok, '1999-01-01'), undefined, 'an unsupported version: the SDK refuses it');
  for (const [body, why] of [
    [{ ...call(1, {}), extra: 1 }, 'a key a strict JSON-RPC request refuses'],
    [{ ...call(1, {}), jsonrpc: '1.0' }, 'jsonrpc'],
    [{ ...call(1, {}), id: 1.5 }, 'a fractional id'],
    [{ ...call(1, {}), id: null }, 'a null id'],
    [{ ...call(1, {}), method: 'tools/list' }, 'another method'],
    [{ ...call(1, {}), params: [] }, 'params an array'],
    [call(1, {}, { progressToken: 1.5 }), 'a fractional progress token'],
    [call(1, {}, { 'io.modelcontextprotocol/related-task': { taskId: 't' } }), 'a related task'],
    [call(1, {}, { other: 1 }), 'other _meta'],
    [[call(1, {})], 'a batch'],
  ] as const) {
    assert.equal(directCall(body, '2025-06-18'), undefined, why);
  }
});

test('a direct answer is the SDK transport\'s answer: same status, headers and bytes, in one body (entering at the Protocol\'s request entry or at onmessage)', async () => {
  for (const entry of [true, false]) await sameAnswer(entry);
});

async function sameAnswer(entry: boolean): Promise<void> {
  const { sdk, direct } = await harness(entry);
  const sdkAnswer = await coalesceEventStream(await viaSdk(sdk, call(5, { tag: 'x' })));
  const out = await direct.call(call(5, { tag: 'x' }), reqHeaders, AUTH, URL_);
  assert.ok(out);
  assert.equal(out.complete, true);
  assert.equal(out.response.status, sdkAnswer.response.status);
  for (const h of ['content-type', 'cache-control', 'connection', 'x-accel-buffering', 'mcp-session-id', 'content-length']) {
    assert.equal(out.response.headers.get(h), sdkAnswer.response.headers.get(h), h);
  }
  const body = await out.response.text();
  assert.equal(body, await sdkAnswer.response.text());
  assert.match(body, /^event: message\ndata: \{.*"text":"echo:x:alice:h".*\}\n\n$/s);
}

test('progress notifications of a longer call stream live and in order; the answer ends the stream', async () => {
  const { direct } = await harness();
  const out = await direct.call(call(6, { steps: 3, gapMs: 40, tag: 'p' }, { progressToken: 'tok' }), reqHeaders, AUTH, URL_);
  assert.ok(out);
  assert.equal(out.complete, false, 'not held past the window');
  assert.equal(out.response.headers.get('content-length'), null);
  const events = (await out.response.text()).split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('data: ')[1]!) as { method?: string; params?: { progress: number }; id?: number });
  assert.deepEqual(events.map((e) => e.method ?? `answer ${e.id}`), ['notifications/progress', 'notifications/progress', 'notifications/progress', 'answer 6']);
  assert.deepEqual(events.slice(0, 3).map((e) => e.params!.progress), [1, 2, 3]);
});

test('a closed transport ends a pending answer and takes no new call; the SDK transport keeps the other messages', async () => {
  const { sdk, direct } = await harness();
  const list = await viaSdk(sdk, { jsonrpc: '2.0', id: 9, method: 'ping' });
  assert.match(await list.text(), /"id":9/);
  const pending = direct.call(call(7, { steps: 1, gapMs: 200 }), reqHeaders, AUTH, URL_);
  assert.ok(pending);
  assert.equal(direct.call(call(7, {}), reqHeaders, AUTH, URL_), undefined, 'the same id while its answer is awaited goes to the SDK');
  await direct.close();
  const out = await pending;
  assert.equal(out.response.status, 200);
  await out.response.text();
  assert.equal(direct.call(call(8, {}), reqHeaders, AUTH, URL_), undefined);
});

test('a tools/call the route does not hand over still reaches the same Server through the SDK transport', async () => {
  const { sdk } = await harness();
  const r = await viaSdk(sdk, call(10, { tag: 's' }));
  assert.match(await r.text(), /echo:s:alice:h/);
});

test('an answer past the bytes bound streams at once; after the client cancels, later events are dropped', async () => {
  const write = (sink: { enqueue(c: Uint8Array): void }, m: unknown): void => sink.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(m)}\n\n`));
  let cancelled = 0;
  const a = new CallAnswer('s', write, () => { cancelled++; }, 60_000, 10);
  a.write({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }, false);
  const out = await a.response;
  assert.equal(out.complete, false);
  const reader = out.response.body!.getReader();
  assert.match(new TextDecoder().decode((await reader.read()).value), /"progress":1/);
  await reader.cancel();
  assert.equal(cancelled, 1, 'the transport is told, so it forgets the call');
  a.write({ jsonrpc: '2.0', id: 1, result: {} }, true); // must not throw on the cancelled stream
});
