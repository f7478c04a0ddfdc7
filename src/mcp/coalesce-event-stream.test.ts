import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceEventStream } from './coalesce-event-stream.ts';

const SSE = { 'content-type': 'text/event-stream', 'mcp-session-id': 'abc' };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An SSE response whose stream the test drives by hand. */
function manual(): { res: Response; push(s: string): void; end(): void; fail(e: Error): void } {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start(c) { ctl = c; } });
  return { res: new Response(body, { status: 200, headers: SSE }), push: (s) => ctl.enqueue(enc(s)), end: () => ctl.close(), fail: (e) => ctl.error(e) };
}

test('an event stream that ends within the window is sent as one body with Content-Length, bytes and headers unchanged', async () => {
  for (const events of [['event: message\ndata: {"id":1}\n\n'], ['data: a\n\n', 'data: b\n\n', 'data: {"ü":"ß"}\n\n'], []]) {
    const m = manual();
    for (const e of events) m.push(e);
    m.end();
    const out = await coalesceEventStream(m.res, 60_000);
    assert.equal(out.complete, true);
    assert.equal(out.response.status, 200);
    assert.equal(out.response.headers.get('content-type'), 'text/event-stream');
    assert.equal(out.response.headers.get('mcp-session-id'), 'abc');
    const text = events.join('');
    assert.equal(out.response.headers.get('content-length'), String(enc(text).length));
    assert.equal(await out.response.text(), text);
  }
});

test('an event of a longer call is not held until the end: it can be read before the next one exists', async () => {
  const m = manual();
  m.push('data: progress 1\n\n');
  const out = await coalesceEventStream(m.res, 1);
  assert.equal(out.complete, false);
  const reader = out.response.body!.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: progress 1\n\n', 'held event sent once the window passed');
  m.push('data: result\n\n'); // produced only after the first was delivered
  assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: result\n\n');
  m.end();
  assert.equal((await reader.read()).done, true);
});

test('beyond the byte bound the answer streams; a failure after held events is delivered after them', async () => {
  const big = manual();
  big.push('x'.repeat(100));
  big.push('y'.repeat(100));
  const out = await coalesceEventStream(big.res, 60_000, 150);
  assert.equal(out.complete, false);
  big.push('z');
  big.end();
  assert.equal(await out.response.text(), `${'x'.repeat(100)}${'y'.repeat(100)}z`);

  const broken = manual();
  broken.push('data: first\n\n');
  const failed = coalesceEventStream(broken.res, 60_000);
  broken.fail(new Error('transport closed'));
  const r = (await failed).response.body!.getReader();
  assert.equal(new TextDecoder().decode((await r.read()).value), 'data: first\n\n');
  await assert.rejects(r.read(), /transport closed/);
});

test('a response that is not an event stream is returned as it is', async () => {
  const json = new Response('{"a":1}', { status: 202, headers: { 'content-type': 'application/json' } });
  const out = await coalesceEventStream(json);
  assert.equal(out.response, json);
  const empty = new Response(null, { status: 202 });
  assert.equal((await coalesceEventStream(empty)).response, empty);
});
