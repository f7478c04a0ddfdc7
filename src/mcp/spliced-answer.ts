/**
 * @module A large tool answer encoded once. A Cisco tool's text block is exactly the JSON of its
 * structuredContent (tool-result.ts), so the SSE event of its JSON-RPC answer can be written as the
 * text (escaped, as the text block) and the same text again (as structuredContent), in pieces,
 * instead of the SDK's `JSON.stringify` of the whole message: that walked every row object a second
 * time and built one string holding the answer twice before encoding it.
 *
 * Rule: the bytes written are exactly those of `JSON.stringify(message)`; the splice is used only
 * when the answer still holds the very values the text was made from (the SDK's result validation
 * copies the result objects but keeps `data`, which carries the mark), else the SDK writes it.
 */
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { sseEventWriter } from './sse-event-writer.ts';

/** Smallest text worth splicing; a smaller answer goes the SDK's way. */
export const SPLICE_MIN_CHARS = 64 * 1024;
/** Characters per piece: bounds each intermediate string and buffer. */
const PIECE_CHARS = 1 << 20;

interface Mark { structured: Record<string, unknown>; text: string }
const MARKS = new WeakMap<object, Mark>();

/** Remember that `text` is `JSON.stringify(structured)` (keyed by its `data` object, which survives the SDK's copy). */
export function markJsonText(structured: Record<string, unknown>, text: string): void {
  const data = structured.data;
  if (text.length >= SPLICE_MIN_CHARS && typeof data === 'object' && data !== null) MARKS.set(data, { structured, text });
}

interface AnswerShape { result?: { content?: Array<{ type?: unknown; text?: unknown }>; structuredContent?: Record<string, unknown> } }

/** The marked text of this JSON-RPC answer, when it still is the JSON of its structuredContent. */
function markedText(message: unknown): string | undefined {
  const r = (message as AnswerShape).result;
  const sc = r?.structuredContent;
  if (!r || typeof sc !== 'object' || sc === null) return undefined;
  const mark = typeof sc.data === 'object' && sc.data !== null ? MARKS.get(sc.data) : undefined;
  const block = r.content?.[0];
  if (!mark || block?.type !== 'text' || block.text !== mark.text) return undefined;
  const keys = Object.keys(sc);
  const was = Object.keys(mark.structured);
  if (keys.length !== was.length || keys.some((k, i) => k !== was[i] || sc[k] !== mark.structured[k])) return undefined;
  return mark.text;
}

const TEXT_SLOT = '\u0000aibridge:text-slot';
const STRUCTURED_SLOT = '\u0000aibridge:structured-slot';

/**
 * The message's JSON as pieces to encode in order: the text goes into the text block (as a JSON
 * string) and, as it is, into structuredContent. Undefined when the message is not a marked answer.
 */
export function splicedMessage(message: unknown): Array<{ raw: string } | { escaped: string }> | undefined {
  const text = markedText(message);
  if (text === undefined) return undefined;
  const m = message as { result: { content: Array<Record<string, unknown>> } & Record<string, unknown> } & Record<string, unknown>;
  const [first, ...rest] = m.result.content;
  const skeleton = JSON.stringify({ ...m, result: { ...m.result, content: [{ ...first, text: TEXT_SLOT }, ...rest], structuredContent: STRUCTURED_SLOT } });
  const t = JSON.stringify(TEXT_SLOT);
  const s = JSON.stringify(STRUCTURED_SLOT);
  const ti = skeleton.indexOf(t);
  const si = skeleton.indexOf(s);
  if (ti < 0 || si < 0 || skeleton.indexOf(t, ti + 1) >= 0 || skeleton.indexOf(s, si + 1) >= 0) return undefined;
  const slots = [{ at: ti, len: t.length, piece: { escaped: text } }, { at: si, len: s.length, piece: { raw: text } }].sort((a, b) => a.at - b.at);
  const out: Array<{ raw: string } | { escaped: string }> = [];
  let pos = 0;
  for (const slot of slots) {
    out.push({ raw: skeleton.slice(pos, slot.at) }, slot.piece);
    pos = slot.at + slot.len;
  }
  out.push({ raw: skeleton.slice(pos) });
  return out;
}

/** `s` cut into pieces of about PIECE_CHARS, never between the two halves of a surrogate pair. */
function* cut(s: string): Generator<string> {
  for (let start = 0; start < s.length;) {
    let end = Math.min(s.length, start + PIECE_CHARS);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield s.slice(start, end);
    start = end;
  }
}

/** The UTF-8 bytes of the pieces: escaped ones as the inside of a JSON string. */
export function* encodePieces(pieces: Array<{ raw: string } | { escaped: string }>, encoder: TextEncoder): Generator<Uint8Array> {
  for (const p of pieces) {
    if ('raw' in p) { for (const c of cut(p.raw)) yield encoder.encode(c); continue; }
    yield encoder.encode('"');
    for (const c of cut(p.escaped)) { const b = encoder.encode(JSON.stringify(c)); yield b.subarray(1, b.length - 1); }
    yield encoder.encode('"');
  }
}

/** Make `transport` write marked answers spliced; every other message as the SDK does. */
export function spliceLargeAnswers(transport: WebStandardStreamableHTTPServerTransport): void {
  const t = sseEventWriter(transport);
  const sdkWrite = t.writeSSEEvent.bind(transport);
  t.writeSSEEvent = (sink, encoder, message, eventId) => {
    const pieces = splicedMessage(message);
    if (!pieces) return sdkWrite(sink, encoder, message, eventId);
    try {
      sink.enqueue(encoder.encode(`event: message\n${eventId ? `id: ${eventId}\n` : ''}data: `));
      for (const b of encodePieces(pieces, encoder)) sink.enqueue(b);
      sink.enqueue(encoder.encode('\n\n'));
      return true;
    } catch (error) {
      transport.onerror?.(error as Error);
      return false;
    }
  };
}
