/**
 * @module Parse XML into an ordered element tree with resolved namespaces. DTDs are refused and no
 * entity other than the five predefined ones and character references is ever expanded
 * (fast-xml-parser runs with entity processing off; see security/TESTING.md §1.9).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlEntities } from './xml-entities.ts';

export interface XmlElement {
  /** Local name (prefix removed). */
  name: string;
  /** Namespace URI, '' when none. */
  ns: string;
  /** Attributes by local name (xmlns declarations removed). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data (CDATA included, entities decoded). */
  text: string;
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

const PARSER = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', processEntities: false,
  htmlEntities: false, parseTagValue: false, parseAttributeValue: false, trimValues: false,
  ignoreDeclaration: true, ignorePiTags: true, cdataPropName: '#cdata', commentPropName: '#comment',
  allowBooleanAttributes: false,
});

/** Decode the predefined entities and character references (xml-entities.ts); anything else is an error. */
function decode(text: string): string {
  return decodeXmlEntities(text, (entity) => new XmlParseError(`The entity "${entity}" was referenced, but not declared or is not an XML character`));
}

type RawNode = Record<string, unknown>;

function splitName(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function convert(tag: string, node: RawNode, scope: Map<string, string>): XmlElement {
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let local = scope;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      local.set(k === 'xmlns' ? '' : k.slice(6), decode(v));
    }
  }
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[splitName(k)[1]] = decode(v);
  }
  const [prefix, name] = splitName(tag);
  const ns = local.get(prefix);
  if (ns === undefined && prefix !== '') throw new XmlParseError(`The prefix "${prefix}" for element "${tag}" is not bound`);
  const el: XmlElement = { name, ns: ns ?? '', attrs, children: [], text: '' };
  const kids = node[tag] as RawNode[];
  for (const kid of kids) {
    const key = Object.keys(kid).find((k) => k !== ':@');
    if (key === undefined || key === '#comment') continue;
    if (key === '#text') el.text += decode(String(kid[key]));
    else if (key === '#cdata') for (const c of kid[key] as RawNode[]) el.text += String(c['#text'] ?? '');
    else el.children.push(convert(key, kid, local));
  }
  return el;
}

/** Parse a document and return its root element. Throws XmlParseError on anything malformed. */
export function parseXml(xml: string): XmlElement {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlParseError('DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" set to true.');
  if (/<!ENTITY/i.test(xml)) throw new XmlParseError('Entity declarations are not allowed');
  const check = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (check !== true) throw new XmlParseError(`${check.err.msg} (line ${check.err.line}, column ${check.err.col})`);
  let raw: RawNode[];
  try {
    raw = PARSER.parse(xml) as RawNode[];
  } catch (err) {
    throw new XmlParseError((err as Error).message);
  }
  const roots = raw.filter((n) => { const k = Object.keys(n).find((x) => x !== ':@'); return k !== undefined && !k.startsWith('#'); });
  if (roots.length !== 1) throw new XmlParseError('Content is not allowed in prolog.');
  const root = roots[0]!;
  const tag = Object.keys(root).find((k) => k !== ':@')!;
  return convert(tag, root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
}

/** First child with a local name. */
export function childNamed(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
