/**
 * @module The one decoder of XML character data (used by xml-scan.ts and xml-tree.ts): the five
 * predefined entities and character references, nothing else — no declared entity is ever
 * expanded (security/TESTING.md §1.9). A reference to something that is not an XML Char
 * (NUL, a surrogate such as `&#xD800;`, beyond U+10FFFF), an undeclared entity and a bare `&` are
 * errors, reported through `fail` so each parser raises its own error type.
 */

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A code point XML 1.0 allows as a Char (§2.2), surrogates excluded. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

export function decodeXmlEntities(text: string, fail: (entity: string) => Error): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&<\s]{0,12});|&/g, (all, ref: string | undefined) => {
    if (ref !== undefined && ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = ref === undefined ? null : /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(ref);
    const code = m ? (m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10)) : -1;
    if (isXmlChar(code)) return String.fromCodePoint(code);
    throw fail(all.slice(0, 16));
  });
}
