/**
 * @module Parse a SOAP answer from Cisco: size-capped before parsing, DTDs and entity declarations
 * refused, no entity expansion (xml-scan.ts; security/TESTING.md §1.9), faults decoded.
 */
import { AppError } from '../../lib/errors.ts';
import { childNamed } from '../../lib/xsd/xml-tree.ts';
import { scanXml } from './xml-scan.ts';
import type { XmlElement } from '../../lib/xsd/xml-tree.ts';

export interface SoapFault {
  faultcode: string;
  faultstring: string;
  /** AXL error code (`axlcode`), when present. */
  code?: string;
  message?: string;
}

export type SoapAnswer = { ok: true; body: XmlElement } | { ok: false; fault: SoapFault };

function descendant(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.name === name) return c;
    const d = descendant(c, name);
    if (d) return d;
  }
  return undefined;
}

/** Cut text taken from a Cisco answer to a bounded, single-line length for messages. */
export function snippet(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Parse `xml` (already size-capped by the transport) into the first Body child or a fault. */
export function parseSoapAnswer(xml: string, node: string): SoapAnswer {
  let root: XmlElement;
  try {
    root = scanXml(xml);
  } catch (err) {
    throw new AppError('E_UPSTREAM', `Node "${node}" sent an answer that is not acceptable XML: ${snippet((err as Error).message, 160)}`, {
      hint: 'the node or something in between answered unexpectedly; check the node\'s service and URL', cause: err,
    });
  }
  const body = root.name === 'Envelope' ? childNamed(root, 'Body') : undefined;
  const first = body?.children[0];
  if (!first) throw new AppError('E_UPSTREAM', `Node "${node}" sent a SOAP answer with an empty body`, { hint: 'retry; if it persists check the node\'s AXL/RIS service' });
  if (first.name !== 'Fault') return { ok: true, body: first };
  const code = descendant(first, 'axlcode')?.text;
  const message = descendant(first, 'axlmessage')?.text;
  return {
    ok: false,
    fault: {
      faultcode: childNamed(first, 'faultcode')?.text ?? '', faultstring: childNamed(first, 'faultstring')?.text ?? '',
      ...(code !== undefined ? { code: code.trim() } : {}), ...(message !== undefined ? { message } : {}),
    },
  };
}
