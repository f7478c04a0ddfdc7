/**
 * @module Parse a SOAP answer from Cisco: size-capped before parsing, DTDs and entity declarations
 * refused, no entity expansion (lib/xsd/xml-scan.ts; security/TESTING.md §1.9), faults decoded.
 */
import { xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { scanXml, XmlScanner, XVALUE_BUILDER } from '../../lib/xsd/xml-scan.ts';
import type { ScannedXml, XmlBuilder } from '../../lib/xsd/xml-scan.ts';
import { upstreamError } from '../upstream-error.ts';
import type { AppError } from '../../lib/errors.ts';

export interface SoapFault {
  faultcode: string;
  faultstring: string;
  /** AXL error code (`axlcode`), when present. */
  code?: string;
  message?: string;
}

/** `name`: local name of the Body's first element (e.g. getPhoneResponse); `value`: its content. */
export type SoapAnswer = { ok: true; name: string; value: XObject } | { ok: false; fault: SoapFault };

function descendant(v: XValue | undefined, name: string): XValue | undefined {
  const o = xObj(Array.isArray(v) ? v[0] : v);
  if (!o) return undefined;
  if (o[name] !== undefined) return o[name];
  for (const [k, c] of Object.entries(o)) { if (k.startsWith('@')) continue; const d = descendant(c, name); if (d !== undefined) return d; }
  return undefined;
}

/** Cut text taken from a Cisco answer to a bounded, single-line length for messages. */
export function snippet(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function notXml(node: string, err: unknown): AppError {
  return upstreamError('malformed_answer', `Node "${node}" sent an answer that is not acceptable XML: ${snippet((err as Error).message, 160)}`, {
    node, hint: 'the node or something in between answered unexpectedly; check the node\'s service and URL', cause: err,
  });
}

/** Parse `xml` (already size-capped by the transport) into the first Body child or a fault. */
export function parseSoapAnswer(xml: string, node: string): SoapAnswer {
  let root: ScannedXml;
  try {
    root = scanXml(xml);
  } catch (err) {
    throw notXml(node, err);
  }
  return soapAnswerOf(root, node);
}

/**
 * The same as parseSoapAnswer, read while the answer arrives (issue 20): `write()` each piece of
 * the body as the socket delivers it, then `end()`. The answer is never held as one buffer or
 * string, and parsing overlaps the transfer. Multi-byte characters split between pieces are
 * decoded correctly; after the first error the rest is ignored and `end()` throws it.
 */
const PIECE_BYTES = 256 << 10;

export class SoapAnswerReader<N = unknown> {
  #node: string;
  #utf8 = new TextDecoder('utf-8');
  #scan: XmlScanner<N, ScannedXml>;
  #error: unknown;

  /** `builder`: one that builds the same plain-object form (e.g. shaped by a schema while it reads). */
  constructor(node: string, builder?: XmlBuilder<N, ScannedXml>) {
    this.#node = node;
    this.#scan = new XmlScanner(builder ?? (XVALUE_BUILDER as unknown as XmlBuilder<N, ScannedXml>));
  }

  /** Socket pieces (often 16 KiB) gathered to PIECE_BYTES before they are decoded and scanned: fewer, larger steps. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  write(chunk: Uint8Array): void {
    if (this.#error !== undefined) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= PIECE_BYTES) this.#flush(false);
  }

  #flush(final: boolean): void {
    const piece = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    try { this.#scan.write(this.#utf8.decode(piece, { stream: !final })); } catch (err) { this.#error = err; }
  }

  end(): SoapAnswer {
    let root: ScannedXml;
    try {
      if (this.#error === undefined) this.#flush(true);
      if (this.#error !== undefined) throw this.#error;
      root = this.#scan.end();
    } catch (err) {
      throw notXml(this.#node, err);
    }
    return soapAnswerOf(root, this.#node);
  }
}

/** The first Body child of a scanned envelope, or its fault decoded. */
function soapAnswerOf(root: ScannedXml, node: string): SoapAnswer {
  const body = root.name === 'Envelope' ? xObj(xObj(root.value)?.Body) : undefined;
  const first = body ? Object.entries(body).find(([k]) => !k.startsWith('@') && k !== '#text') : undefined;
  if (!first) throw upstreamError('malformed_answer', `Node "${node}" sent a SOAP answer with an empty body`, { node, hint: 'retry; if it persists check the node\'s AXL/RIS service' });
  const [name, raw] = first;
  const value = xObj(Array.isArray(raw) ? raw[0] : raw) ?? {};
  if (name !== 'Fault') return { ok: true, name, value };
  const code = descendant(value, 'axlcode');
  const message = descendant(value, 'axlmessage');
  return {
    ok: false,
    fault: {
      faultcode: xText(value.faultcode), faultstring: xText(value.faultstring),
      ...(code !== undefined ? { code: xText(code).trim() } : {}), ...(message !== undefined ? { message: xText(message) } : {}),
    },
  };
}
