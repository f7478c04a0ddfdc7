/**
 * @module SOAP 1.1 envelopes written with the escaping XmlWriter (lib/xsd): the body is written by
 * a callback, so no value is ever concatenated into markup.
 */
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { hasInvalidXmlChars } from '../../lib/xsd/xml-writer.ts';
import { AppError } from '../../lib/errors.ts';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** `<soapenv:Envelope xmlns:soapenv=… {extra ns}><soapenv:Header/><soapenv:Body>…</soapenv:Body></soapenv:Envelope>` */
export function soapEnvelope(namespaces: Record<string, string>, body: (w: XmlWriter) => void): string {
  const w = new XmlWriter();
  const attrs: Record<string, string> = { 'xmlns:soapenv': SOAP_ENV_NS };
  for (const [prefix, uri] of Object.entries(namespaces)) attrs[`xmlns:${prefix}`] = uri;
  w.raw('<?xml version="1.0" encoding="UTF-8"?>').open('soapenv:Envelope', attrs).leaf('soapenv:Header', undefined).open('soapenv:Body');
  body(w);
  w.close().close();
  return w.toString();
}

/** Deepest nesting any SOAP argument may have (AXL requests are a few levels deep; axl-args allows 24). */
export const MAX_ARG_DEPTH = 32;

/**
 * Refuse characters XML 1.0 cannot carry (W3C XML 1.0 §2.2) anywhere in a value or key, before
 * anything is sent: silently dropping them would send something the agent did not ask for.
 * Rule (issue #12 item 12, T-RX-03): the walk is iterative (an explicit stack, never recursion)
 * and checks the depth of each value before looking inside it, so no input can exhaust the
 * call stack; anything nested deeper than MAX_ARG_DEPTH is refused.
 */
export function assertXmlSafe(value: unknown, path = 'args'): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path, depth: 0 }];
  while (stack.length) {
    const { v, path: at, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (depth > MAX_ARG_DEPTH) {
      throw new AppError('E_INPUT_INVALID', `Refused: ${path} is nested more than ${MAX_ARG_DEPTH} levels deep (at ${at.slice(0, 120)}…)`, { hint: 'AXL requests are a few levels deep; flatten the arguments' });
    }
    if (typeof v === 'string') {
      if (hasInvalidXmlChars(v)) {
        throw new AppError('E_INPUT_INVALID', `Refused: ${at} contains a character XML 1.0 cannot carry (control character, U+FFFE/U+FFFF or a lone surrogate)`, { hint: 'remove control characters from the value' });
      }
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${at}[${i}]`, depth: depth + 1 });
      continue;
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        stack.push({ v: child, path: `${at}.${k}`, depth: depth + 1 });
        stack.push({ v: k, path: `${at} key`, depth: depth + 1 });
      }
    }
  }
}
