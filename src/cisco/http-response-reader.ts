/**
 * @module A push-style reader of one HTTP/1.1 response (RFC 9112) on a connection the request
 * closes (`Connection: close`): the status line and headers, then the body as views of the bytes
 * fed in, framed by Content-Length, chunked transfer coding or the end of the connection. It
 * exists for DIME downloads read into one reused buffer (https-stream.ts), where Node's HTTP
 * client would allocate, stream and collect every 16 KiB TLS record; it is strict rather than
 * lenient (any doubt is a clear error), since the bytes come from the network.
 */
import { upstreamError } from './upstream-error.ts';

export interface ResponseHead {
  statusCode: number;
  /** Lower-cased names; a repeated header's values joined with ", " (RFC 9110 §5.3). */
  headers: Record<string, string>;
}

export interface ResponseHandlers {
  /** The final (non-1xx) head, before any body byte. */
  head(h: ResponseHead): void;
  /** A piece of the body: a view of the chunk given to push(), valid only during the call. */
  body(data: Buffer): void;
}

export interface ResponseLimits {
  /** Largest head (status line and headers; default 64 KiB). */
  maxHeadBytes?: number;
  /** Most header fields (default 100). */
  maxHeaders?: number;
}

type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };
type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'done';

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: one optional group after fixed text, no nested repetition, so matching is linear
const STATUS_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible characters, spaces and tabs, obs-text; never CR, LF or NUL (RFC 9110 §5.5).
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are refused
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: the optional group starts with ';' after the hex digits and spaces, which cannot match it, so matching is linear
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,12})(?:[ \t]*;[^\r\n]*)?$/;
const MAX_LINE = 4096;

/** Parses one response; `finish()` at the end of the connection says whether it was complete. */
export class HttpResponseReader {
  readonly #on: ResponseHandlers;
  readonly #nodeName: string;
  readonly #maxHead: number;
  readonly #maxHeaders: number;
  #state: State = 'head';
  #framing: Framing = { kind: 'close' };
  #held = Buffer.alloc(0);
  #chunkLeft = 0;
  #trailerBytes = 0;

  constructor(nodeName: string, on: ResponseHandlers, limits: ResponseLimits = {}) {
    this.#nodeName = nodeName;
    this.#on = on;
    this.#maxHead = limits.maxHeadBytes ?? 64 * 1024;
    this.#maxHeaders = limits.maxHeaders ?? 100;
  }

  /** The body has ended as its framing says (nothing more is read). */
  get done(): boolean {
    return this.#state === 'done';
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#held.length > 0) {
      buf = Buffer.concat([this.#held, chunk]);
      this.#held = Buffer.alloc(0);
    }
    while (buf.length > 0 && this.#state !== 'done') {
      const used = this.#step(buf);
      if (used < 0) {
        // An incomplete head or line: keep it (bounded) until more arrives.
        this.#held = Buffer.from(buf);
        return;
      }
      buf = buf.subarray(used);
    }
  }

  /** At the end of the connection: a body framed by length or chunks must have ended. */
  finish(): void {
    if (this.#state === 'done') return;
    if (this.#state === 'body' && this.#framing.kind === 'close') { this.#state = 'done'; return; }
    throw this.#bad(this.#state === 'head' ? 'the connection closed before a complete response head' : 'the connection closed before the end of the body (truncated download)');
  }

  /** Consume from `buf`; returns the bytes used, or -1 when more input is needed first. */
  #step(buf: Buffer): number {
    switch (this.#state) {
      case 'head': return this.#readHead(buf);
      case 'body': {
        if (this.#framing.kind === 'close') { this.#on.body(buf); return buf.length; }
        if (this.#framing.kind !== 'length') return buf.length;
        const n = Math.min(buf.length, this.#framing.left);
        if (n > 0) this.#on.body(buf.subarray(0, n));
        this.#framing.left -= n;
        if (this.#framing.left === 0) this.#state = 'done';
        return n;
      }
      case 'chunk-size': {
        const line = this.#line(buf, 'chunk size line');
        if (!line) return -1;
        const m = CHUNK_SIZE.exec(line.text);
        if (!m) throw this.#bad(`bad chunk size line "${line.text.slice(0, 40)}"`);
        this.#chunkLeft = Number.parseInt(m[1]!, 16);
        this.#state = this.#chunkLeft === 0 ? 'trailers' : 'chunk-data';
        return line.used;
      }
      case 'chunk-data': {
        const n = Math.min(buf.length, this.#chunkLeft);
        this.#on.body(buf.subarray(0, n));
        this.#chunkLeft -= n;
        if (this.#chunkLeft === 0) this.#state = 'chunk-crlf';
        return n;
      }
      case 'chunk-crlf': {
        if (buf.length < 2) return -1;
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw this.#bad('a chunk is not followed by CRLF');
        this.#state = 'chunk-size';
        return 2;
      }
      case 'trailers': {
        const line = this.#line(buf, 'trailer');
        if (!line) return -1;
        this.#trailerBytes += line.used;
        if (this.#trailerBytes > this.#maxHead) throw this.#bad(`trailers exceed ${this.#maxHead} bytes`);
        if (line.text === '') this.#state = 'done';
        return line.used;
      }
      default: return buf.length;
    }
  }

  /** One CRLF-terminated line (latin1), or undefined if it has not all arrived (bounded). */
  #line(buf: Buffer, what: string): { text: string; used: number } | undefined {
    const i = buf.indexOf('\r\n', 0, 'latin1');
    if (i < 0) {
      if (buf.length > MAX_LINE) throw this.#bad(`a ${what} is longer than ${MAX_LINE} bytes`);
      return undefined;
    }
    if (i > MAX_LINE) throw this.#bad(`a ${what} is longer than ${MAX_LINE} bytes`);
    return { text: buf.toString('latin1', 0, i), used: i + 2 };
  }

  #readHead(buf: Buffer): number {
    const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
    if (end < 0 || end + 4 > this.#maxHead) {
      if (buf.length >= this.#maxHead || end >= 0) throw this.#bad(`the response head exceeds ${this.#maxHead} bytes`);
      return -1;
    }
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const status = STATUS_LINE.exec(lines[0] ?? '');
    if (!status) throw this.#bad(`the status line is not HTTP/1.1: "${(lines[0] ?? '').slice(0, 60)}"`);
    if (lines.length - 1 > this.#maxHeaders) throw this.#bad(`more than ${this.#maxHeaders} header fields`);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      // Obsolete line folding and bare LF are refused (RFC 9112 §5.2, §2.2).
      const i = l.indexOf(':');
      const name = i > 0 ? l.slice(0, i) : '';
      if (!TOKEN.test(name)) throw this.#bad(`bad header line "${l.slice(0, 60)}"`);
      const value = l.slice(i + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      if (BAD_VALUE.test(value)) throw this.#bad(`header "${name}" holds a control character`);
      const key = name.toLowerCase();
      headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
    }
    const code = Number(status[1]);
    if (code === 101) throw this.#bad('the node switched protocols (HTTP 101)');
    if (code < 200) return end + 4; // an interim answer (100 Continue): the real one follows
    this.#framing = this.#framingOf(code, headers);
    this.#state = this.#framing.kind === 'chunked' ? 'chunk-size' : this.#framing.kind === 'length' && this.#framing.left === 0 ? 'done' : 'body';
    this.#on.head({ statusCode: code, headers });
    return end + 4;
  }

  /** RFC 9112 §6.3, strictly: Transfer-Encoding only "chunked", never beside Content-Length. */
  #framingOf(code: number, h: Record<string, string>): Framing {
    if (code === 204 || code === 304) return { kind: 'length', left: 0 };
    const te = h['transfer-encoding'];
    const cl = h['content-length'];
    if (te !== undefined) {
      if (cl !== undefined) throw this.#bad('both Transfer-Encoding and Content-Length were sent');
      if (te.toLowerCase() !== 'chunked') throw this.#bad(`unsupported Transfer-Encoding "${te.slice(0, 40)}"`);
      return { kind: 'chunked' };
    }
    if (cl !== undefined) {
      const values = [...new Set(cl.split(',').map((v) => v.trim()))];
      if (values.length !== 1 || !/^\d{1,15}$/.test(values[0]!)) throw this.#bad(`bad Content-Length "${cl.slice(0, 40)}"`);
      return { kind: 'length', left: Number(values[0]) };
    }
    return { kind: 'close' };
  }

  #bad(why: string) {
    return upstreamError('malformed_answer', `Malformed HTTP answer from node "${this.#nodeName}": ${why}`, { node: this.#nodeName, hint: 'retry; if it persists, check what sits between aibridge and the node (proxy, load balancer)' });
  }
}
