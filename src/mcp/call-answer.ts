/**
 * @module The HTTP answer to one tools/call the Server runs through DirectCallTransport: its SSE
 * events, with the headers the SDK transport gives them. The same rule as coalesce-event-stream.ts,
 * without a stream to read back: events that end with the call's answer within HOLD_MS (and under
 * HOLD_BYTES) leave as one body with Content-Length; otherwise, at HOLD_MS or the bytes bound,
 * what is held is sent at once and the rest streams as it comes (progress stays live), with the
 * SDK's keep-alive comment while the stream is idle.
 */
import { DEFAULT_SSE_KEEP_ALIVE_MS } from '@modelcontextprotocol/sdk/server/sseKeepAlive.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { HOLD_BYTES, HOLD_MS, concat, type Coalesced } from './coalesce-event-stream.ts';

/** Where an event writer puts the encoded bytes of one message. */
export interface EventSink { enqueue(chunk: Uint8Array): void }
export type EventWriter = (sink: EventSink, message: JSONRPCMessage) => void;

const KEEPALIVE = new TextEncoder().encode(': keepalive\n\n');

export class CallAnswer implements EventSink {
  readonly response: Promise<Coalesced>;
  readonly #headers: Record<string, string>;
  readonly #write: EventWriter;
  readonly #holdBytes: number;
  readonly #onCancel: () => void;
  #resolve!: (c: Coalesced) => void;
  #held: Uint8Array[] = [];
  #bytes = 0;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #done = false;

  /** `onCancel`: the client went away before the answer (nothing more will be read). */
  constructor(sessionId: string, write: EventWriter, onCancel: () => void = () => undefined, holdMs = HOLD_MS, holdBytes = HOLD_BYTES) {
    this.#headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'mcp-session-id': sessionId };
    this.#write = write;
    this.#holdBytes = holdBytes;
    this.#onCancel = onCancel;
    this.response = new Promise((resolve) => { this.#resolve = resolve; });
    this.#timer = setTimeout(() => this.#startStream(), holdMs);
  }

  /** EventSink for the writer: held until the answer, or passed on once streaming. */
  enqueue(chunk: Uint8Array): void {
    if (this.#stream) { this.#stream.enqueue(chunk); return; }
    this.#held.push(chunk);
    this.#bytes += chunk.length;
  }

  /** One message the Server sent for this call; `last` is its answer. */
  write(message: JSONRPCMessage, last: boolean): void {
    if (this.#done) return; // the client went away; the SDK drops what a cancelled stream would get
    this.#write(this, message);
    if (last) { this.end(); return; }
    if (!this.#stream && this.#bytes >= this.#holdBytes) this.#startStream();
  }

  /** The answer was written, or the transport closed: finish the HTTP answer. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    clearInterval(this.#keepAlive);
    if (this.#stream) { this.#stream.close(); return; }
    const body = concat(this.#held, this.#bytes);
    this.#resolve({ response: new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers: { ...this.#headers, 'Content-Length': String(this.#bytes) } }), complete: true });
  }

  #startStream(): void {
    if (this.#done || this.#stream) return;
    clearTimeout(this.#timer);
    const held = this.#held;
    this.#held = [];
    const body = new ReadableStream<Uint8Array>({
      start: (ctl) => { this.#stream = ctl; for (const c of held) ctl.enqueue(c); },
      cancel: () => { this.#done = true; clearInterval(this.#keepAlive); this.#onCancel(); },
    });
    this.#keepAlive = setInterval(() => { try { this.#stream?.enqueue(KEEPALIVE); } catch { clearInterval(this.#keepAlive); } }, DEFAULT_SSE_KEEP_ALIVE_MS);
    this.#keepAlive.unref?.();
    this.#resolve({ response: new Response(body, { status: 200, headers: this.#headers }), complete: false });
  }
}
