/**
 * @module The SDK transport's SSE event writer (`writeSSEEvent`, a private method of
 * WebStandardStreamableHTTPServerTransport), reached in this one place: spliced-answer.ts wraps
 * it, direct-call-transport.ts writes through it, so an answer's bytes are the same on both paths.
 * A version of the SDK without it fails here, at session creation, not silently.
 */
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** Where an event writer puts the encoded bytes of one message (a stream controller, or a held body). */
export interface EventSink { enqueue(chunk: Uint8Array): void }

export type WriteSseEvent = (sink: EventSink, encoder: TextEncoder, message: unknown, eventId?: string) => boolean;

/** The transport itself, typed with its writer: look `writeSSEEvent` up per event, so a wrapper installed later applies. */
export function sseEventWriter(transport: WebStandardStreamableHTTPServerTransport): { writeSSEEvent: WriteSseEvent } {
  const t = transport as unknown as { writeSSEEvent?: unknown };
  if (typeof t.writeSSEEvent !== 'function') throw new Error('the MCP SDK transport has no writeSSEEvent: src/mcp/sse-event-writer.ts needs updating for this SDK version');
  return t as { writeSSEEvent: WriteSseEvent };
}
