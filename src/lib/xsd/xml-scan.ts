/**
 * @module A strict, linear-time XML parser for answers from Cisco (AXL, RIS, phones) and for the
 * AXL schema files. One tokenizer, two builders: the plain-object form (lib/xsd/xvalue: children
 * by local name, arrays for repeats, `@attr`, `#text`; `scanXml`, same result as
 * `toXValue(parseXml(x))`) and the element tree of lib/xsd/xml-tree (`scanXmlTree`). It is
 * incremental: `XmlScanner.write()` takes the document in pieces as they arrive from the network,
 * so a large answer is parsed while it is still being received and never held as one string.
 *
 * Rules (security/TESTING.md §1.9, T-IN-05), the same whether the document comes whole or in
 * pieces: no DTD (DOCTYPE/ENTITY refused), only the five predefined entities and character
 * references, depth ≤ 100 and ≤ 256 attributes per element, `__proto__` refused as an element or
 * attribute name, prefixes must be bound, one root element, nothing but whitespace outside it.
 * A piece boundary never changes the outcome: a construct is only read once it is complete (a tag
 * or text once the next `<` has arrived — neither can contain one — a comment, CDATA section or
 * processing instruction once its terminator has), and `end()` reads what is left as final.
 */
import type { XObject, XValue } from './xvalue.ts';
import type { XmlElement } from './xml-tree.ts';
import { decodeXmlEntities } from './xml-entities.ts';

export class XmlScanError extends Error {
  constructor(message: string) { super(message); this.name = 'XmlScanError'; }
}

const MAX_DEPTH = 100;
const MAX_ATTRS = 256;
/** Element names remembered per depth (a row's fields; a list answer asks for at most a few dozen). */
const NAMES_PER_DEPTH = 32;
const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const ATTR = /\s+([A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

function decode(text: string, at: number): string {
  return decodeXmlEntities(text, (entity) => new XmlScanError(`undeclared or malformed entity "${entity}" near character ${at}`));
}

function split(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** One attribute after namespace declarations are taken out: local name, namespace URI ('' none), decoded value. */
export type ScannedAttr = [local: string, ns: string, value: string];

/**
 * What the tokenizer calls; `N` is the builder's state for one open element. `end` finishes an
 * element and `child` hands it to its parent (or, at depth 0, `root` is called once).
 */
export interface XmlBuilder<N, R> {
  /**
   * `spare`: the node last used at this depth, already handed to its parent; a builder whose
   * nodes are only scratch state (not the values it builds) may reset and return it, so a
   * 50,000-row answer does not allocate a node per element. `parent`: the open element this one
   * is inside (undefined for the root), e.g. for a builder that shapes values by a schema.
   */
  start(name: string, ns: string, attrs: ScannedAttr[] | undefined, spare: N | undefined, parent: N | undefined): N;
  text(node: N, text: string): void;
  child(parent: N, node: N): void;
  root(node: N): R;
}

/** An open element: its qualified name (for the end tag), its namespace scope and the builder's node; reused by depth. */
interface Frame<N> { qname: string; scope: Map<string, string>; node: N }

/**
 * Push parser: `write()` pieces of the document (already decoded text), then `end()` for the
 * result. Throws XmlScanError from whichever call meets the problem.
 */
export class XmlScanner<N, R> {
  #b: XmlBuilder<N, R>;
  /** Frames by depth; the first #depth are open, the rest are kept for reuse. */
  #frames: Array<Frame<N>> = [];
  #depth = 0;
  /** By depth: element names read there (#startTag), at most NAMES_PER_DEPTH. */
  #names: NameAt[][] = [];
  #evict = 0;
  /** The node of a self-closing element, reused likewise. */
  #leaf: N | undefined;
  #buf = '';
  /** Characters consumed before #buf (positions in messages count from the document's start). */
  #base = 0;
  #started = false;
  #result: { value: R } | undefined;

  /**
   * Where the tag a builder call is about (a start tag for `start`, the end tag — or the
   * self-closing tag — for `child`/`root`) begins and ends, in characters from the document's
   * start: lets a builder note where an element lies without keeping it (e.g. an index of an XSD).
   */
  tagStart = 0;
  tagEnd = 0;

  constructor(builder: XmlBuilder<N, R>) { this.#b = builder; }

  write(piece: string): void {
    this.#buf = this.#buf.length > 0 ? this.#buf + piece : piece;
    this.#scan(false);
  }

  end(): R {
    this.#scan(true);
    if (this.#depth > 0 || !this.#result) throw new XmlScanError('unexpected end of document');
    return this.#result.value;
  }

  /** Hand a finished element to its parent (the open element at #depth - 1), or make it the root. */
  #close(node: N): void {
    const depth = this.#depth;
    if (depth > 0) this.#b.child(this.#frames[depth - 1]!.node, node);
    else if (this.#result) throw new XmlScanError('more than one root element');
    else this.#result = { value: this.#b.root(node) };
  }

  /** Read every complete construct in #buf; keep the incomplete tail unless `final`. */
  #scan(final: boolean): void {
    const xml = this.#buf;
    const frames = this.#frames;
    const b = this.#b;
    const base = this.#base;
    let i = 0;
    if (!this.#started) {
      if (xml.length === 0 && !final) return;
      this.#started = true;
      if (xml.charCodeAt(0) === 0xfeff) i = 1;
    }
    // The "<" that ends the text after a tag, found when the tag was checked for completeness.
    let knownLt = -1;
    while (i < xml.length) {
      const lt = knownLt >= i ? knownLt : xml.indexOf('<', i);
      knownLt = -1;
      if (lt !== i) {
        if (lt < 0 && !final) break; // the text may go on in the next piece
        const text = xml.slice(i, lt < 0 ? xml.length : lt);
        const depth = this.#depth;
        if (depth > 0) b.text(frames[depth - 1]!.node, decode(text, base + i));
        else if (text.trim() !== '') throw new XmlScanError(`text outside the root element near character ${base + i}`);
        if (lt < 0) { i = xml.length; break; }
        i = lt;
      }
      const next = xml.charCodeAt(i + 1);
      // A tag cannot contain "<" (attribute values exclude it): complete once the next "<" is here,
      // and that "<" is where the text after it ends.
      if (next !== 33 /* ! */ && next !== 63 /* ? */) {
        knownLt = xml.indexOf('<', i + 1);
        if (knownLt < 0 && !final) break;
      }
      if (next === 47 /* / */) {
        const depth = this.#depth;
        const top = depth > 0 ? frames[depth - 1]! : undefined;
        const end = top ? i + 2 + top.qname.length : -1;
        if (!top || !xml.startsWith(top.qname, i + 2)) throw new XmlScanError(`mismatched end tag near character ${base + i}`);
        const e = xml.charCodeAt(end) === 62 /* > */ ? end : xml.indexOf('>', end);
        if (e < 0 || (e !== end && xml.slice(end, e).trim() !== '')) throw new XmlScanError(`malformed end tag near character ${base + i}`);
        this.tagStart = base + i;
        i = e + 1;
        this.tagEnd = base + i;
        this.#depth--;
        this.#close(top.node);
      } else if (next === 63 /* ? */) {
        const e = xml.indexOf('?>', i + 2);
        if (e < 0) { if (final) throw new XmlScanError('unterminated processing instruction'); break; }
        i = e + 2;
      } else if (next === 33 /* ! */) {
        // Decide only with enough characters to tell a comment from CDATA from a declaration.
        if (!final && xml.length - i < 9 && ('<!--'.startsWith(xml.slice(i, i + 4)) || '<![CDATA['.startsWith(xml.slice(i, i + 9)))) break;
        if (xml.startsWith('<!--', i)) {
          const e = xml.indexOf('-->', i + 4);
          if (e < 0) { if (final) throw new XmlScanError('unterminated comment'); break; }
          i = e + 3;
        } else if (xml.startsWith('<![CDATA[', i)) {
          const e = xml.indexOf(']]>', i + 9);
          if (this.#depth === 0 || (e < 0 && final)) throw new XmlScanError('CDATA outside an element or unterminated');
          if (e < 0) break;
          b.text(frames[this.#depth - 1]!.node, xml.slice(i + 9, e));
          i = e + 3;
        } else {
          throw new XmlScanError('DOCTYPE and entity declarations are not allowed');
        }
      } else {
        i = this.#startTag(xml, i, base);
      }
    }
    this.#base = base + i;
    this.#buf = i >= xml.length ? '' : xml.slice(i);
  }

  /** Read the start tag at `i`; the position after it. */
  #startTag(xml: string, i: number, base: number): number {
    const frames = this.#frames;
    const depth = this.#depth;
    // Rows repeat their element names: the names already read at this depth are tried first, and
    // with them their split and namespace, when the scope they were resolved in is the scope here.
    const known = (this.#names[depth] ??= []);
    let last: NameAt | undefined;
    for (let k = 0; k < known.length; k++) {
      const n = known[k]!;
      if (xml.startsWith(n.qname, i + 1) && !isNameChar(xml.charCodeAt(i + 1 + n.qname.length))) { last = n; break; }
    }
    let qname: string;
    let pos: number;
    if (last !== undefined) {
      qname = last.qname;
      pos = i + 1 + qname.length;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(xml);
      if (!m) throw new XmlScanError(`malformed tag near character ${base + i}`);
      qname = m[0];
      pos = NAME.lastIndex;
    }
    let raw: Array<[string, string]> | undefined;
    for (let c = xml.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = xml.charCodeAt(pos)) {
      ATTR.lastIndex = pos;
      const a = ATTR.exec(xml);
      if (!a) break;
      (raw ??= []).push([a[1]!, decode(a[2] ?? a[3] ?? '', base + pos)]);
      pos = ATTR.lastIndex;
      if (raw.length > MAX_ATTRS) throw new XmlScanError(`more than ${MAX_ATTRS} attributes on one element`);
    }
    let after: number;
    let selfClosing: boolean;
    const c = xml.charCodeAt(pos);
    if (c === 62 /* > */) { after = pos + 1; selfClosing = false; } else if (c === 47 /* / */ && xml.charCodeAt(pos + 1) === 62) { after = pos + 2; selfClosing = true; } else {
      TAG_END.lastIndex = pos;
      const te = TAG_END.exec(xml);
      if (!te) throw new XmlScanError(`malformed start tag near character ${base + i}`);
      after = TAG_END.lastIndex;
      selfClosing = te[1] === '/';
    }
    let scope = depth > 0 ? frames[depth - 1]!.scope : BASE_SCOPE;
    let attrs: ScannedAttr[] | undefined;
    if (raw) {
      let copied = false;
      for (const [k, v] of raw) {
        if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
        if (!copied) { scope = new Map(scope); copied = true; }
        scope.set(k === 'xmlns' ? '' : k.slice(6), v);
      }
      const seen = new Set<string>();
      for (const [k, v] of raw) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        const [prefix, local] = split(k);
        if (local === '__proto__' || seen.has(local)) throw new XmlScanError(`duplicate or forbidden attribute "${k}"`);
        if (prefix !== '' && !scope.has(prefix)) throw new XmlScanError(`unbound prefix "${prefix}"`);
        seen.add(local);
        (attrs ??= []).push([local, prefix === '' ? '' : scope.get(prefix)!, v]);
      }
    }
    let name: string;
    let ns: string;
    if (last !== undefined && last.scope === scope) {
      name = last.local;
      ns = last.ns;
    } else {
      const [prefix, local] = split(qname);
      if (local === '__proto__') throw new XmlScanError('forbidden element name "__proto__"');
      const uri = scope.get(prefix);
      if (prefix !== '' && uri === undefined) throw new XmlScanError(`unbound prefix "${prefix}"`);
      name = local;
      ns = uri ?? '';
      if (last) { last.local = name; last.ns = ns; last.scope = scope; } else if (known.length < NAMES_PER_DEPTH) known.push({ qname, local: name, ns, scope });
      else known[(this.#evict++) % NAMES_PER_DEPTH] = { qname, local: name, ns, scope };
    }
    const parent = depth > 0 ? frames[depth - 1]!.node : undefined;
    this.tagStart = base + i;
    this.tagEnd = base + after;
    if (selfClosing) {
      const node = this.#b.start(name, ns, attrs, this.#leaf, parent);
      this.#leaf = node;
      this.#close(node);
      return after;
    }
    if (depth >= MAX_DEPTH) throw new XmlScanError(`elements nested deeper than ${MAX_DEPTH}`);
    const f = frames[depth];
    if (f) { f.qname = qname; f.scope = scope; f.node = this.#b.start(name, ns, attrs, f.node, parent); }
    else frames[depth] = { qname, scope, node: this.#b.start(name, ns, attrs, undefined, parent) };
    this.#depth = depth + 1;
    return after;
  }
}

/** [A-Za-z0-9_.:-]: a character that continues an element name (NAME). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45;
}

/** The element name last read at one depth: its split and namespace, and the scope that namespace came from. */
interface NameAt { qname: string; local: string; ns: string; scope: Map<string, string> }

const BASE_SCOPE = new Map<string, string>([['xml', XML_NS]]);

export interface ScannedXml { name: string; value: XValue }

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * xsi:nil / xsi:type are not data. Only in the XSI namespace: a plain `type` attribute is data
 * (listChange answers `<change type="phone" uuid="…">`).
 */
export function isDataAttr(local: string, ns: string): boolean {
  return ns !== XSI || (local !== 'nil' && local !== 'type');
}

/** Builder state of the plain-object form: the element's children and attributes, or its text. */
export interface XNode { name: string; obj: XObject | undefined; kids: boolean; text: string }

/** An element's data attributes as `@name` fields (xsi:nil and xsi:type left out), or undefined. */
export function dataAttrObject(attrs: ScannedAttr[] | undefined): XObject | undefined {
  let obj: XObject | undefined;
  if (attrs) for (const [local, ns, v] of attrs) if (isDataAttr(local, ns)) (obj ??= {})[`@${local}`] = v;
  return obj;
}

/** The value of a finished node: its text, or its object (with `#text` when it had no child element). */
export function xnodeValue(f: XNode): XValue {
  if (!f.obj) return f.text;
  if (!f.kids) f.obj['#text'] = f.text;
  return f.obj;
}

/**
 * Put a finished child's value under its name in `parent`: a second one with the same name turns
 * the field into an array; `many` makes it an array from the first (a schema-declared repeat).
 */
export function addXChild(parent: XNode, node: XNode, many = false): void {
  const obj = (parent.obj ??= {});
  parent.kids = true;
  const value = xnodeValue(node);
  const prev = obj[node.name];
  // Element values are strings or objects; an array can only come from an earlier repeat.
  if (prev === undefined) obj[node.name] = many ? [value] : value;
  else if (Array.isArray(prev)) prev.push(value);
  else obj[node.name] = [prev, value];
}

/** The plain-object form (lib/xsd/xvalue). */
export const XVALUE_BUILDER: XmlBuilder<XNode, ScannedXml> = {
  start(name, _ns, attrs, spare) {
    const obj = dataAttrObject(attrs);
    if (!spare) return { name, obj, kids: false, text: '' };
    spare.name = name; spare.obj = obj; spare.kids = false; spare.text = '';
    return spare;
  },
  text(node, text) { node.text += text; },
  child(parent, node) { addXChild(parent, node); },
  root(node) { return { name: node.name, value: xnodeValue(node) }; },
};

/** The element tree of lib/xsd/xml-tree (children in order, attributes by local name). */
export const TREE_BUILDER: XmlBuilder<XmlElement, XmlElement> = {
  start(name, ns, attrs) {
    const a: Record<string, string> = {};
    if (attrs) for (const [local, , v] of attrs) a[local] = v;
    return { name, ns, attrs: a, children: [], text: '' };
  },
  text(node, text) { node.text += text; },
  child(parent, node) { parent.children.push(node); },
  root(node) { return node; },
};

/** Parse a whole document into its root's local name and value. Throws XmlScanError. */
export function scanXml(xml: string): ScannedXml {
  const s = new XmlScanner(XVALUE_BUILDER);
  s.write(xml);
  return s.end();
}

/** Parse a whole document into an element tree (the AXL schema files: much faster and leaner than fast-xml-parser). */
export function scanXmlTree(xml: string): XmlElement {
  const s = new XmlScanner(TREE_BUILDER);
  s.write(xml);
  return s.end();
}
