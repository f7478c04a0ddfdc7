/**
 * @module The transport a session's MCP Server is connected to: the SDK's Streamable HTTP
 * transport for everything, except the tools/call POSTs the route hands over with `call`. For
 * those the HTTP framing is done here: the request goes to the Server as the SDK transport would
 * pass it (`onmessage`), and what the Server sends for it (progress, elicitation requests, the
 * answer) becomes that POST's SSE answer, written by the SDK transport's own event writer. The
 * SDK's POST handling for one request is most of the transport's per-call cost (header copies,
 * a URL, five zod checks of a message the route already parsed, a ReadableStream read back by
 * coalesce-event-stream.ts): bench/README.md, "The MCP call path, direct tools/call".
 *
 * Rule: only what the SDK would accept unchanged takes this way (`directCall`: a single
 * well-formed JSON-RPC tools/call request, a supported protocol version, no related-task or other
 * `_meta` the SDK would reshape, no event store); anything else goes to the SDK transport, which
 * answers or refuses it as before. The Server, its handlers, result checks and cancellation are
 * the SDK's, unchanged.
 */
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { CallAnswer, type EventWriter } from './call-answer.ts';
import { sseEventWriter } from './sse-event-writer.ts';
import type { Coalesced } from './coalesce-event-stream.ts';

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRequestId(v: unknown): v is RequestId {
  return typeof v === 'string' || Number.isSafeInteger(v);
}

/**
 * `body` when the SDK transport would pass it to the Server as it is: exactly the keys of a
 * strict JSON-RPC request, id a string or integer, method tools/call, params an object whose
 * `_meta` holds at most a valid progressToken. Undefined for anything else.
 */
export function directCall(body: unknown, protocolVersion: string | undefined): JSONRPCRequest | undefined {
  if (protocolVersion !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return undefined;
  if (!isPlainObject(body) || body.jsonrpc !== '2.0' || body.method !== 'tools/call' || !isRequestId(body.id)) return undefined;
  for (const k in body) if (!REQUEST_KEYS.has(k)) return undefined;
  const params = body.params;
  if (params !== undefined) {
    if (!isPlainObject(params)) return undefined;
    const meta = params._meta;
    if (meta !== undefined) {
      if (!isPlainObject(meta)) return undefined;
      for (const k in meta) if (k !== 'progressToken' || !isRequestId(meta[k])) return undefined;
    }
  }
  return body as JSONRPCRequest;
}

function responseId(m: JSONRPCMessage): RequestId | undefined {
  return !('method' in m) && ('result' in m || 'error' in m) ? (m as { id: RequestId }).id : undefined;
}

/** How a request reaches the Protocol: `(request, extra)`. */
export type RequestEntry = (request: JSONRPCRequest, extra: MessageExtraInfo) => void;

/**
 * The Protocol's own request entry (`_onrequest`, private): what its `onmessage` calls for a
 * message its zod check finds to be a request, after three zod checks (response, error,
 * request). `directCall` has already established that, so the direct path enters here; a
 * version of the SDK without it fails at session creation, not silently.
 */
export function protocolRequestEntry(server: object): RequestEntry {
  const p = server as { _onrequest?: (request: JSONRPCRequest, extra: MessageExtraInfo) => void };
  if (typeof p._onrequest !== 'function') throw new Error('the MCP SDK Protocol has no _onrequest: direct-call-transport.ts needs updating for this SDK version');
  return (request, extra) => p._onrequest!(request, extra);
}

export class DirectCallTransport implements Transport {
  readonly #sdk: WebStandardStreamableHTTPServerTransport;
  readonly #write: EventWriter;
  readonly #calls = new Map<RequestId, CallAnswer>();
  readonly #enter: RequestEntry | undefined;
  #closed = false;
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;

  /** `enter`: where a direct request goes (protocolRequestEntry of the connected Server); else `onmessage`. */
  constructor(sdk: WebStandardStreamableHTTPServerTransport, enter?: RequestEntry) {
    this.#sdk = sdk;
    this.#enter = enter;
    // The SDK transport's own SSE event writer, looked up per event so that a wrapper installed on
    // the transport (spliced-answer.ts) applies here too: an answer's bytes are the same either way.
    const t = sseEventWriter(sdk);
    const encoder = new TextEncoder();
    this.#write = (sink, message) => { t.writeSSEEvent(sink, encoder, message); };
  }

  get sessionId(): string | undefined { return this.#sdk.sessionId; }

  async start(): Promise<void> {
    this.#sdk.onmessage = (m, extra) => this.onmessage?.(m, extra);
    this.#sdk.onerror = (e) => this.onerror?.(e);
    this.#sdk.onclose = () => { this.#endAll(); this.onclose?.(); };
    await this.#sdk.start();
  }

  async close(): Promise<void> {
    this.#endAll();
    await this.#sdk.close();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answerTo = responseId(message);
    const id = answerTo ?? options?.relatedRequestId;
    const call = id === undefined ? undefined : this.#calls.get(id);
    if (!call) return this.#sdk.send(message, options);
    if (answerTo !== undefined) this.#calls.delete(answerTo);
    call.write(message, answerTo !== undefined);
  }

  /**
   * Run one request `directCall` accepted and answer its POST; undefined when this transport
   * cannot take it (closed, or its id is still awaiting an answer here): send it to the SDK's.
   */
  call(request: JSONRPCRequest, headers: Headers, authInfo: AuthInfo, url: string): Promise<Coalesced> | undefined {
    const sid = this.#sdk.sessionId;
    if (this.#closed || sid === undefined || this.#calls.has(request.id)) return undefined;
    // A call cancelled by the client (notifications/cancelled) gets no answer: forget it when its stream is cancelled.
    const answer = new CallAnswer(sid, this.#write, () => { if (this.#calls.get(request.id) === answer) this.#calls.delete(request.id); });
    this.#calls.set(request.id, answer);
    // What the SDK transport passes with a request; handlers rarely read it, so it is built on first use.
    let copied: Record<string, string> | undefined;
    let parsed: URL | undefined;
    const requestInfo = {
      get headers() { return copied ??= Object.fromEntries(headers.entries()); },
      get url() { return parsed ??= new URL(url); },
    };
    const extra = { authInfo, requestInfo };
    if (this.#enter) this.#enter(request, extra); else this.onmessage?.(request, extra);
    return answer.response;
  }

  #endAll(): void {
    this.#closed = true;
    for (const a of this.#calls.values()) a.end();
    this.#calls.clear();
  }
}
