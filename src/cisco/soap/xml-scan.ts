/**
 * @module A strict, linear-time XML parser for answers from Cisco (AXL, RIS, phones) that builds
 * the plain-object form (lib/xsd/xvalue: children by local name, arrays for repeats, `@attr`,
 * `#text`) directly, with no tree in between: many times faster than fast-xml-parser on
 * 50,000-row answers. No DTD (DOCTYPE/ENTITY refused), only the five predefined entities and
 * character references, bounded depth and attribute count, `__proto__` refused, prefixes must be
 * bound (security/TESTING.md §1.9, T-IN-05). Same result as `toXValue(parseXml(x))`.
 */
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';

export class XmlScanError extends Error {
  constructor(message: string) { super(message); this.name = 'XmlScanError'; }
}

const MAX_DEPTH = 100;
const MAX_ATTRS = 256;
const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const ATTR = /\s+([A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&<\s]{0,12});|&/g, (all, ref: string | undefined) => {
    if (ref !== undefined && ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = ref === undefined ? null : /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(ref);
    const code = m ? (m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10)) : -1;
    if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    throw new XmlScanError(`undeclared or malformed entity "${all.slice(0, 16)}" near character ${at}`);
  });
}

function split(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** An open element; frames are reused by depth (fewer allocations on large answers). */
interface Frame { qname: string; name: string; scope: Map<string, string>; obj: XObject | undefined; kids: boolean; text: string }

export interface ScannedXml { name: string; value: XValue }

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * xsi:nil / xsi:type are not data. Only in the XSI namespace: a plain `type` attribute is data
 * (listChange answers `<change type="phone" uuid="…">`).
 */
function isDataAttr(local: string, ns: string | undefined): boolean {
  return ns !== XSI || (local !== 'nil' && local !== 'type');
}

function put(parent: Frame, name: string, value: XValue): void {
  const obj = (parent.obj ??= {});
  parent.kids = true;
  const prev = obj[name];
  // Element values are strings or objects; an array can only come from an earlier repeat.
  if (prev === undefined) obj[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else obj[name] = [prev, value];
}

function valueOf(f: Frame): XValue {
  if (!f.obj) return f.text;
  if (!f.kids) f.obj['#text'] = f.text;
  return f.obj;
}

/** Parse a whole document into its root's local name and value. Throws XmlScanError. */
export function scanXml(xml: string): ScannedXml {
  const frames: Frame[] = [];
  let depth = 0;
  let root: ScannedXml | undefined;
  const base = new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);
  const close = (f: Frame): void => {
    const v = valueOf(f);
    if (depth > 0) put(frames[depth - 1]!, f.name, v);
    else if (root) throw new XmlScanError('more than one root element');
    else root = { name: f.name, value: v };
  };
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt !== i) {
      const text = xml.slice(i, lt < 0 ? xml.length : lt);
      if (depth > 0) frames[depth - 1]!.text += decode(text, i);
      else if (text.trim() !== '') throw new XmlScanError(`text outside the root element near character ${i}`);
    }
    if (lt < 0) break;
    i = lt;
    const next = xml.charCodeAt(i + 1);
    if (next === 47 /* / */) {
      const top = depth > 0 ? frames[depth - 1]! : undefined;
      const end = top ? i + 2 + top.qname.length : -1;
      if (!top || !xml.startsWith(top.qname, i + 2)) throw new XmlScanError(`mismatched end tag near character ${i}`);
      const e = xml.charCodeAt(end) === 62 /* > */ ? end : xml.indexOf('>', end);
      if (e < 0 || (e !== end && xml.slice(end, e).trim() !== '')) throw new XmlScanError(`malformed end tag near character ${i}`);
      i = e + 1;
      depth--;
      close(top);
    } else if (next === 63 /* ? */) {
      const e = xml.indexOf('?>', i + 2);
      if (e < 0) throw new XmlScanError('unterminated processing instruction');
      i = e + 2;
    } else if (next === 33 /* ! */ && xml.startsWith('<!--', i)) {
      const e = xml.indexOf('-->', i + 4);
      if (e < 0) throw new XmlScanError('unterminated comment');
      i = e + 3;
    } else if (next === 33 && xml.startsWith('<![CDATA[', i)) {
      const e = xml.indexOf(']]>', i + 9);
      if (e < 0 || depth === 0) throw new XmlScanError('CDATA outside an element or unterminated');
      frames[depth - 1]!.text += xml.slice(i + 9, e);
      i = e + 3;
    } else if (next === 33) {
      throw new XmlScanError('DOCTYPE and entity declarations are not allowed');
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(xml);
      if (!m) throw new XmlScanError(`malformed tag near character ${i}`);
      const qname = m[0];
      let pos = NAME.lastIndex;
      let raw: Array<[string, string]> | undefined;
      for (let c = xml.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = xml.charCodeAt(pos)) {
        ATTR.lastIndex = pos;
        const a = ATTR.exec(xml);
        if (!a) break;
        (raw ??= []).push([a[1]!, decode(a[2] ?? a[3] ?? '', pos)]);
        pos = ATTR.lastIndex;
        if (raw.length > MAX_ATTRS) throw new XmlScanError(`more than ${MAX_ATTRS} attributes on one element`);
      }
      TAG_END.lastIndex = pos;
      const te = TAG_END.exec(xml);
      if (!te) throw new XmlScanError(`malformed start tag near character ${i}`);
      i = TAG_END.lastIndex;
      let scope = depth > 0 ? frames[depth - 1]!.scope : base;
      let obj: XObject | undefined;
      if (raw) {
        let copied = false;
        const seen = new Set<string>();
        for (const [k, v] of raw) {
          if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
          if (!copied) { scope = new Map(scope); copied = true; }
          scope.set(k === 'xmlns' ? '' : k.slice(6), v);
        }
        for (const [k, v] of raw) {
          if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
          const [prefix, local] = split(k);
          if (local === '__proto__' || seen.has(local)) throw new XmlScanError(`duplicate or forbidden attribute "${k}"`);
          if (prefix !== '' && !scope.has(prefix)) throw new XmlScanError(`unbound prefix "${prefix}"`);
          seen.add(local);
          if (isDataAttr(local, prefix === '' ? undefined : scope.get(prefix))) (obj ??= {})[`@${local}`] = v;
        }
      }
      const [prefix, name] = split(qname);
      if (name === '__proto__') throw new XmlScanError('forbidden element name "__proto__"');
      if (prefix !== '' && !scope.has(prefix)) throw new XmlScanError(`unbound prefix "${prefix}"`);
      if (te[1] === '/') { close({ qname, name, scope, obj, kids: false, text: '' }); continue; }
      if (depth >= MAX_DEPTH) throw new XmlScanError(`elements nested deeper than ${MAX_DEPTH}`);
      const f = frames[depth] ?? (frames[depth] = { qname, name, scope, obj, kids: false, text: '' });
      f.qname = qname; f.name = name; f.scope = scope; f.obj = obj; f.kids = false; f.text = '';
      depth++;
    }
  }
  if (depth > 0 || !root) throw new XmlScanError('unexpected end of document');
  return root;
}
