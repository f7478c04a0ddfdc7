/**
 * @module The HTTP answer to one tools/call the Server runs through DirectCallTransport: its SSE
 * events, with the headers the SDK transport gives them, under the hold rule of
 * coalesce-event-stream.ts (HeldBody): one body with Content-Length when the answer comes within
 * the window and bytes bound, else streamed as it comes with the SDK's keep-alive comment while idle.
 */
import { DEFAULT_SSE_KEEP_ALIVE_MS } from '@modelcontextprotocol/sdk/server/sseKeepAlive.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { HOLD_BYTES, HOLD_MS, HeldBody, type Coalesced } from './coalesce-event-stream.ts';
import type { EventSink } from './sse-event-writer.ts';

export type EventWriter = (sink: EventSink, message: JSONRPCMessage) => void;

export class CallAnswer {
  readonly #body: HeldBody;
  readonly #write: EventWriter;

  /** `onCancel`: the client went away before the answer (nothing more will be read). */
  constructor(sessionId: string, write: EventWriter, onCancel: () => void = () => undefined, holdMs = HOLD_MS, holdBytes = HOLD_BYTES) {
    const headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'mcp-session-id': sessionId };
    this.#body = new HeldBody({ status: 200, headers }, { holdMs, holdBytes, keepAliveMs: DEFAULT_SSE_KEEP_ALIVE_MS, onCancel });
    this.#write = write;
  }

  get response(): Promise<Coalesced> { return this.#body.response; }

  /** One message the Server sent for this call; `last` is its answer. */
  write(message: JSONRPCMessage, last: boolean): void {
    if (this.#body.closed) return; // the client went away; the SDK drops what a cancelled stream would get
    this.#write(this.#body, message);
    if (last) this.#body.end();
  }

  /** The transport closed: finish the HTTP answer with what was written. */
  end(): void { this.#body.end(); }
}
