/**
 * @module A push-style MIME multipart reader (RFC 2046 §5.1) for SOAP-with-attachments and MTOM
 * answers of GetOneFile. It never holds more than one input chunk plus a delimiter's worth of
 * bytes: part bodies come out as slices of the chunks fed in, so a 200 MB attachment streams
 * through with flat memory. A delimiter split across chunks is found because the end of a chunk
 * that could begin one (at most `delimiter.length - 1` bytes) is kept back until the next arrives.
 *
 * Bounds (each a clear error, never a memory blow-up): header block size, number of parts, and a
 * body that ends before its closing delimiter.
 */
import { AppError } from '../../lib/errors.ts';
import { upstreamError } from '../upstream-error.ts';

export type MultipartEvent =
  | { type: 'part'; headers: Record<string, string> }
  | { type: 'data'; data: Buffer }
  | { type: 'end' };

export interface MultipartLimits {
  /** Largest header block of one part (default 16 KiB). */
  maxHeaderBytes?: number;
  /** Most parts in one body (default 16). */
  maxParts?: number;
}

const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

/** RFC 2046 boundary: 1-70 characters from bchars, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** Parameters of a Content-Type header value (`multipart/related; boundary="x"; start="<y>"`). */
export function contentTypeParams(value: string): { type: string; params: Record<string, string> } {
  const [head = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  // Re-join so that quoted values holding ';' survive, then scan name=value pairs.
  const tail = rest.join(';');
  const re = /\s*([A-Za-z0-9!#$&^_.+-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)\s*;?/g;
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    const raw = m[2] ?? '';
    params[(m[1] ?? '').toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.trim();
  }
  return { type: head.trim().toLowerCase(), params };
}

/** The boundary of a multipart Content-Type, checked against RFC 2046. */
export function multipartBoundary(contentType: string): string {
  const { type, params } = contentTypeParams(contentType);
  const b = params.boundary;
  if (!type.startsWith('multipart/') || b === undefined || !BOUNDARY.test(b)) {
    throw upstreamError('malformed_answer', `Expected a multipart answer with a valid boundary, got Content-Type "${contentType.slice(0, 120)}"`, { hint: 'the node answered GetOneFile in an unexpected form; check the DIME service (Cisco Trace Collection Service)' });
  }
  return b;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/**
 * Length of the longest end of `buf` that could be the start of a delimiter split across chunks
 * (a proper prefix of `d`); only that much must wait for the next chunk. Usually 0: a delimiter
 * starts with CR, and most chunks do not end within one.
 */
function delimiterPrefixAtEnd(buf: Buffer, d: Buffer): number {
  for (let k = buf.indexOf(d[0]!, Math.max(0, buf.length - (d.length - 1))); k >= 0; k = buf.indexOf(d[0]!, k + 1)) {
    const n = buf.length - k;
    if (buf.compare(d, 0, n, k) === 0) return n;
  }
  return 0;
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';

export class MultipartReader {
  readonly #delimiter: Buffer;
  readonly #maxHeaderBytes: number;
  readonly #maxParts: number;
  #pending: Buffer;
  #state: State = 'preamble';
  #parts = 0;

  constructor(boundary: string, limits: MultipartLimits = {}) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
    this.#maxParts = limits.maxParts ?? 16;
    // A body may start right at the first delimiter, without the CRLF that precedes later ones.
    this.#pending = CRLF;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /** Feed one chunk; returns what it completed, in order (data events are slices of the input). */
  push(chunk: Buffer): MultipartEvent[] {
    const events: MultipartEvent[] = [];
    if (this.#state === 'done') return events; // epilogue: ignored, as RFC 2046 says
    const d = this.#delimiter;
    let buf: Buffer;
    if (this.#pending.length === 0) {
      buf = chunk;
    } else if (this.#state === 'body' && chunk.length >= d.length) {
      // In a body the kept tail is shorter than the delimiter, so a delimiter that starts in it
      // ends within the chunk's first d.length - 1 bytes: search only that junction instead of
      // copying every chunk of a 200 MB attachment behind the tail.
      const tail = this.#pending;
      const i = Buffer.concat([tail, chunk.subarray(0, d.length - 1)]).indexOf(d);
      if (i < 0) {
        events.push({ type: 'data', data: tail });
        buf = chunk;
      } else {
        if (i > 0) events.push({ type: 'data', data: tail.subarray(0, i) });
        events.push({ type: 'end' });
        this.#state = 'after-delimiter';
        buf = chunk.subarray(i + d.length - tail.length);
      }
    } else {
      buf = Buffer.concat([this.#pending, chunk]);
    }
    for (;;) {
      if (this.#state === 'preamble') {
        const i = buf.indexOf(d);
        if (i < 0) { buf = buf.subarray(Math.max(0, buf.length - (d.length - 1))); break; }
        buf = buf.subarray(i + d.length);
        this.#state = 'after-delimiter';
      } else if (this.#state === 'after-delimiter') {
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        let j = 0;
        while (j < buf.length && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
        if (buf.length - j < 2) break;
        if (buf[j] === 0x2d && buf[j + 1] === 0x2d) { this.#state = 'done'; buf = Buffer.alloc(0); break; }
        if (buf[j] !== 0x0d || buf[j + 1] !== 0x0a) throw this.#malformed('a boundary delimiter is not followed by CRLF');
        buf = buf.subarray(j + 2);
        if (++this.#parts > this.#maxParts) throw upstreamError('malformed_answer', `Multipart answer has more than ${this.#maxParts} parts`, { hint: 'GetOneFile answers with one SOAP part and one file; the answer was refused' });
        this.#state = 'headers';
      } else if (this.#state === 'headers') {
        if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          events.push({ type: 'part', headers: {} });
          buf = buf.subarray(2);
          this.#state = 'body';
          continue;
        }
        const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
        if (end < 0 || end > this.#maxHeaderBytes) {
          if (buf.length > this.#maxHeaderBytes) throw upstreamError('malformed_answer', `A multipart part's headers exceed ${this.#maxHeaderBytes} bytes`, { hint: 'the answer was refused; the node or something in between answered unexpectedly' });
          break;
        }
        events.push({ type: 'part', headers: parseHeaders(buf.subarray(0, end).toString('latin1')) });
        buf = buf.subarray(end + 4);
        this.#state = 'body';
      } else if (this.#state === 'body') {
        const i = buf.indexOf(d);
        if (i < 0) {
          const keep = delimiterPrefixAtEnd(buf, d);
          if (buf.length > keep) events.push({ type: 'data', data: buf.subarray(0, buf.length - keep) });
          buf = buf.subarray(buf.length - keep);
          break;
        }
        if (i > 0) events.push({ type: 'data', data: buf.subarray(0, i) });
        events.push({ type: 'end' });
        buf = buf.subarray(i + d.length);
        this.#state = 'after-delimiter';
      } else {
        break;
      }
    }
    // Copy the small tail so the caller's chunk can be released.
    this.#pending = buf.length === 0 ? EMPTY : Buffer.from(buf);
    return events;
  }

  /** Call at the end of input: a body without its closing delimiter is truncated. */
  finish(): void {
    if (this.#state !== 'done') throw this.#malformed('the answer ended before the closing boundary (truncated download)');
  }

  #malformed(why: string): AppError {
    return upstreamError('malformed_answer', `Malformed multipart answer: ${why}`, { hint: 'retry; if it persists, download the file with RTMT and report the node\'s answer' });
  }
}
