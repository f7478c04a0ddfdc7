/**
 * @module One write for a short SSE answer. The SDK answers every POST with a `text/event-stream`
 * body; sent as is, a call costs three TLS writes (headers, the event, the chunked-encoding end),
 * which on a small call costs more than everything aibridge does for it (bench/README.md). When
 * the stream ends within HOLD_MS of the request and stays under HOLD_BYTES, it is sent as one body
 * with Content-Length: same status, headers, bytes and event order, one write.
 *
 * Rule: holding never changes what is sent or its order, and never delays an event by more than
 * HOLD_MS: once the window passes (or the bytes bound is reached, or the stream fails) everything
 * held is sent at once and the rest streams as it comes, so progress notifications of a long call
 * still arrive live. The window starts when the SDK returned the response, i.e. after the call
 * was admitted; a call that outlives it only had its response headers sent up to HOLD_MS later.
 */

/** Longest an event is held back to be sent together with the end of the stream. */
export const HOLD_MS = 25;
/** Most bytes held; a larger answer streams. */
export const HOLD_BYTES = 1 << 20;

export interface Coalesced {
  response: Response;
  /** The whole body was read: the SDK has finished with this request. */
  complete: boolean;
}

const LATE = Symbol('late');

/** The chunks as one buffer (the chunk itself when there is one). */
export function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

/** `res` unchanged unless it is an event stream; else one buffered body when it ends within the window. */
export async function coalesceEventStream(res: Response, holdMs = HOLD_MS, holdBytes = HOLD_BYTES): Promise<Coalesced> {
  if (!res.body || !(res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream')) return { response: res, complete: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((resolve) => { timer = setTimeout(() => resolve(LATE), holdMs); });
  let pending = reader.read();
  let failure: { err: unknown } | undefined;
  try {
    while (bytes < holdBytes) {
      const next = await Promise.race([pending, late]);
      if (next === LATE) break;
      if (next.done) {
        const headers = new Headers(res.headers);
        headers.set('content-length', String(bytes));
        return { response: new Response(concat(chunks, bytes) as Uint8Array<ArrayBuffer>, { status: res.status, statusText: res.statusText, headers }), complete: true };
      }
      chunks.push(next.value);
      bytes += next.value.length;
      pending = reader.read();
    }
  } catch (err) {
    failure = { err };
  } finally {
    clearTimeout(timer);
  }
  // Stream: what was held first, then the rest as it comes (or the failure, after what was held).
  pending.catch(() => undefined); // read later by pull(); a rejection meanwhile is not "unhandled"
  const body = new ReadableStream<Uint8Array>({
    start(ctl) { for (const c of chunks) ctl.enqueue(c); },
    async pull(ctl) {
      if (failure) { ctl.error(failure.err); return; } // after the held events were read
      const r = await pending;
      if (r.done) { ctl.close(); return; }
      ctl.enqueue(r.value);
      pending = reader.read();
    },
    cancel(reason) { return reader.cancel(reason); },
  });
  return { response: new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers }), complete: false };
}
