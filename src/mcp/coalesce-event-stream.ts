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

/** The SDK's keep-alive comment, written while an answer streams and is idle. */
const KEEPALIVE = new TextEncoder().encode(': keepalive\n\n');

/** The chunks as one buffer (the chunk itself when there is one). */
export function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

export interface HoldOptions {
  holdMs?: number;
  holdBytes?: number;
  /** Once streaming, write the SDK's keep-alive comment this often (the SDK's own stream has its own). */
  keepAliveMs?: number;
  /** The client went away before the end (nothing more will be read). */
  onCancel?: (reason: unknown) => void;
}

/**
 * The rule above for one answer whose bytes are pushed as they are made (`enqueue`, then `end`
 * or `fail`): the SDK's event stream (coalesceEventStream) and a direct call's answer
 * (call-answer.ts) both go through it.
 */
export class HeldBody {
  readonly response: Promise<Coalesced>;
  readonly #status: number;
  readonly #statusText: string;
  readonly #headers: Headers | Record<string, string>;
  readonly #holdBytes: number;
  readonly #keepAliveMs: number | undefined;
  readonly #onCancel: ((reason: unknown) => void) | undefined;
  #resolve!: (c: Coalesced) => void;
  #held: Uint8Array[] = [];
  #bytes = 0;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #failure: { err: unknown } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** The window starts now. */
  constructor(head: { status: number; statusText?: string; headers: Headers | Record<string, string> }, o: HoldOptions = {}) {
    this.#status = head.status;
    this.#statusText = head.statusText ?? '';
    this.#headers = head.headers;
    this.#holdBytes = o.holdBytes ?? HOLD_BYTES;
    this.#keepAliveMs = o.keepAliveMs;
    this.#onCancel = o.onCancel;
    this.response = new Promise((resolve) => { this.#resolve = resolve; });
    this.#timer = setTimeout(() => this.#startStream(), o.holdMs ?? HOLD_MS);
  }

  /** Ended, failed or cancelled: nothing more is taken. */
  get closed(): boolean { return this.#closed; }

  /** Held until the end or a bound, then passed on as it comes. */
  enqueue(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#stream) { this.#stream.enqueue(chunk); return; }
    this.#held.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes >= this.#holdBytes) this.#startStream();
  }

  /** The last byte was pushed: one body with Content-Length while still held, else the stream ends. */
  end(): void {
    if (this.#closed) return;
    this.#finish();
    if (this.#stream) { this.#stream.close(); return; }
    const length = String(this.#bytes);
    let headers: Headers | Record<string, string>;
    if (this.#headers instanceof Headers) { headers = new Headers(this.#headers); headers.set('content-length', length); }
    else headers = { ...this.#headers, 'Content-Length': length };
    this.#resolve({ response: new Response(concat(this.#held, this.#bytes) as Uint8Array<ArrayBuffer>, { status: this.#status, statusText: this.#statusText, headers }), complete: true });
  }

  /** The source failed: what is held is sent, then the stream fails (once those bytes were read). */
  fail(err: unknown): void {
    if (this.#closed) return;
    this.#startStream();
    this.#finish();
    const ctl = this.#stream!;
    if ((ctl.desiredSize ?? 0) > 0) ctl.error(err); else this.#failure = { err };
  }

  #finish(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#keepAlive);
  }

  #startStream(): void {
    if (this.#closed || this.#stream) return;
    clearTimeout(this.#timer);
    const held = this.#held;
    this.#held = [];
    const body = new ReadableStream<Uint8Array>({
      start: (ctl) => { this.#stream = ctl; for (const c of held) ctl.enqueue(c); },
      // Called once what was queued has been read: a failure is delivered after the held bytes.
      pull: (ctl) => { if (this.#failure) ctl.error(this.#failure.err); },
      cancel: (reason) => { this.#finish(); this.#onCancel?.(reason); },
    });
    if (this.#keepAliveMs !== undefined) {
      this.#keepAlive = setInterval(() => { try { this.#stream?.enqueue(KEEPALIVE); } catch { clearInterval(this.#keepAlive); } }, this.#keepAliveMs);
      this.#keepAlive.unref?.();
    }
    this.#resolve({ response: new Response(body, { status: this.#status, statusText: this.#statusText, headers: this.#headers }), complete: false });
  }
}

/** `res` unchanged unless it is an event stream; else one buffered body when it ends within the window. */
export function coalesceEventStream(res: Response, holdMs = HOLD_MS, holdBytes = HOLD_BYTES): Promise<Coalesced> {
  if (!res.body || !(res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream')) return Promise.resolve({ response: res, complete: false });
  const reader = res.body.getReader();
  const body = new HeldBody(res, { holdMs, holdBytes, onCancel: (reason) => { reader.cancel(reason).catch(() => undefined); } });
  void (async () => {
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) { body.end(); return; }
        body.enqueue(r.value);
        if (body.closed) return; // the client went away and the reader was cancelled
      }
    } catch (err) {
      body.fail(err);
    }
  })();
  return body.response;
}
