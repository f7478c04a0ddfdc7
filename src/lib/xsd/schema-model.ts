/**
 * @module A compiled model of one XML Schema file (the subset Cisco's AXLSoap.xsd uses):
 * named and anonymous complex/simple types, sequence/choice/all/any particles, extension,
 * simpleContent, enumerations, patterns, lengths, numeric bounds and unions. Types compile lazily.
 */
import { scanXmlTree, XmlScanner } from './xml-scan.ts';
import type { XmlElement } from './xml-tree.ts';

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export interface SimpleType {
  kind: 'simple';
  /** Built-in base (local name in the XSD namespace). */
  builtin: string;
  enums?: Set<string>;
  patterns?: RegExp[];
  minLength?: number;
  maxLength?: number;
  minInclusive?: number;
  maxInclusive?: number;
  union?: SimpleType[];
}

export interface ElementDecl {
  kind: 'element';
  name: string;
  min: number;
  max: number;
  nillable: boolean;
  /** Resolved lazily by `typeOf`. */
  typeRef?: string;
  inline?: XmlElement;
  compiled?: TypeDef;
}

export interface GroupParticle {
  kind: 'sequence' | 'choice' | 'all';
  min: number;
  max: number;
  items: Particle[];
}

export interface AnyParticle { kind: 'any'; min: number; max: number }

export type Particle = ElementDecl | GroupParticle | AnyParticle;

export interface AttributeDecl { name: string; required: boolean; type: SimpleType }

export interface ComplexType {
  kind: 'complex';
  name: string;
  particle?: Particle;
  attributes: AttributeDecl[];
  /** Text content type for simpleContent types. */
  textType?: SimpleType;
  isMixed: boolean;
}

export type TypeDef = ComplexType | SimpleType;

const STRING: SimpleType = { kind: 'simple', builtin: 'string' };

function occurs(el: XmlElement, name: string, dflt: number): number {
  const v = el.attrs[name];
  if (v === undefined) return dflt;
  return v === 'unbounded' ? Infinity : Number(v);
}

function localRef(ref: string): [boolean, string] {
  const i = ref.indexOf(':');
  const prefix = i < 0 ? '' : ref.slice(0, i);
  return [prefix === 'xsd' || prefix === 'xs', i < 0 ? ref : ref.slice(i + 1)];
}

/** XSD regular expressions are anchored and use a few escapes JS lacks (\i, \c); those fall back to no check. */
function compilePattern(src: string): RegExp | undefined {
  try {
    // eslint-disable-next-line security/detect-non-literal-regexp -- XSD patterns come from the Cisco schema files shipped in the binary, not from a request
    return new RegExp(`^(?:${src})$`, 'u');
  } catch {
    return undefined;
  }
}

/** Where one top-level definition lies in the schema text. */
interface Span { start: number; end: number }

/** Index builder state of one element: its depth, and for a top-level definition its kind, name and start. */
interface IndexNode { depth: number; kind: 'element' | 'complexType' | 'simpleType' | undefined; name: string | undefined; start: number }

export class SchemaModel {
  readonly targetNamespace: string;
  /**
   * The schema text and where each top-level definition is in it (issue 20: the element tree of
   * the 3.7 MB AXLSoap.xsd held ~50 MiB; a definition is parsed when a type first needs it).
   */
  #text: string;
  /** The root's start tag (its namespace declarations apply to every definition) and end tag. */
  #rootOpen = '';
  #rootClose = '';
  #spans = { element: new Map<string, Span>(), complexType: new Map<string, Span>(), simpleType: new Map<string, Span>() };
  #parsed = { element: new Map<string, XmlElement>(), complexType: new Map<string, XmlElement>(), simpleType: new Map<string, XmlElement>() };
  #compiled = new Map<string, TypeDef>();

  constructor(xsdText: string) {
    // One strict pass over the whole document (xml-scan: the same rules as before), keeping only
    // where each top-level definition starts and ends.
    this.#text = xsdText;
    let targetNamespace = '';
    const spans = this.#spans;
    const scanner: XmlScanner<IndexNode, void> = new XmlScanner<IndexNode, void>({
      start: (name, ns, attrs, spare, parent) => {
        const depth = parent ? parent.depth + 1 : 0;
        const attr = (a: string): string | undefined => attrs?.find(([local, uri]) => local === a && uri === '')?.[2];
        if (depth === 0) {
          targetNamespace = attr('targetNamespace') ?? '';
          const open = xsdText.slice(scanner.tagStart, scanner.tagEnd);
          this.#rootOpen = open.endsWith('/>') ? `${open.slice(0, -2)}>` : open;
          this.#rootClose = `</${/^<([^\s/>]+)/.exec(open)![1]}>`;
        }
        const kind = depth === 1 && ns === XSD_NS && (name === 'element' || name === 'complexType' || name === 'simpleType') ? name : undefined;
        const n = spare ?? ({} as IndexNode);
        n.depth = depth; n.kind = kind; n.name = kind ? attr('name') : undefined; n.start = scanner.tagStart;
        return n;
      },
      text: () => undefined,
      child: (_parent, node) => { if (node.kind && node.name) spans[node.kind].set(node.name, { start: node.start, end: scanner.tagEnd }); },
      root: () => undefined,
    });
    scanner.write(xsdText);
    scanner.end();
    this.targetNamespace = targetNamespace;
  }

  /** A top-level definition, parsed on first use (with the root's namespace declarations in scope). */
  #definition(kind: 'element' | 'complexType' | 'simpleType', name: string): XmlElement | undefined {
    const hit = this.#parsed[kind].get(name);
    if (hit) return hit;
    const span = this.#spans[kind].get(name);
    if (!span) return undefined;
    const el = scanXmlTree(`${this.#rootOpen}${this.#text.slice(span.start, span.end)}${this.#rootClose}`).children[0]!;
    this.#parsed[kind].set(name, el);
    return el;
  }

  /** The parsed top-level `kind` definition named `name` (tests compare it with a whole-document parse). */
  definition(kind: 'element' | 'complexType' | 'simpleType', name: string): XmlElement | undefined {
    return this.#definition(kind, name);
  }

  hasElement(name: string): boolean {
    return this.#spans.element.has(name);
  }

  /** Type of a global element (e.g. `getPhone` → GetPhoneReq). */
  elementType(name: string): TypeDef | undefined {
    const el = this.#definition('element', name);
    if (!el) return undefined;
    return this.#typeOfDecl(el, name);
  }

  /** A named complex or simple type. */
  namedType(name: string): TypeDef | undefined {
    const hit = this.#compiled.get(name);
    if (hit) return hit;
    const c = this.#definition('complexType', name);
    if (c) {
      const t: ComplexType = { kind: 'complex', name, attributes: [], isMixed: false };
      this.#compiled.set(name, t); // set first: types may be recursive
      this.#fillComplex(t, c);
      return t;
    }
    const s = this.#definition('simpleType', name);
    if (s) {
      const t = this.#compileSimple(s);
      this.#compiled.set(name, t);
      return t;
    }
    return undefined;
  }

  /** Type of an element declaration inside a particle. */
  typeOf(decl: ElementDecl): TypeDef {
    if (decl.compiled) return decl.compiled;
    let t: TypeDef | undefined;
    if (decl.inline) t = this.#typeOfDecl(decl.inline, decl.name);
    else if (decl.typeRef) t = this.#resolve(decl.typeRef);
    decl.compiled = t ?? STRING;
    return decl.compiled;
  }

  #resolve(ref: string): TypeDef | undefined {
    const [builtin, local] = localRef(ref);
    if (builtin) return local === 'anyType' ? { kind: 'complex', name: 'anyType', attributes: [], isMixed: true, particle: { kind: 'any', min: 0, max: Infinity } } : { kind: 'simple', builtin: local };
    return this.namedType(local);
  }

  #typeOfDecl(el: XmlElement, name: string): TypeDef | undefined {
    if (el.attrs.type) return this.#resolve(el.attrs.type);
    const ct = el.children.find((c) => c.name === 'complexType');
    if (ct) {
      const t: ComplexType = { kind: 'complex', name: `(${name})`, attributes: [], isMixed: false };
      this.#fillComplex(t, ct);
      return t;
    }
    const st = el.children.find((c) => c.name === 'simpleType');
    if (st) return this.#compileSimple(st);
    return STRING;
  }

  #fillComplex(t: ComplexType, el: XmlElement): void {
    t.isMixed = el.attrs.mixed === 'true';
    for (const c of el.children) {
      if (c.name === 'sequence' || c.name === 'choice' || c.name === 'all') t.particle = this.#particle(c) as GroupParticle;
      else if (c.name === 'attribute') t.attributes.push(this.#attribute(c));
      else if (c.name === 'complexContent' || c.name === 'simpleContent') {
        const ext = c.children.find((x) => x.name === 'extension' || x.name === 'restriction');
        if (!ext) continue;
        const base = ext.attrs.base ? this.#resolve(ext.attrs.base) : undefined;
        if (c.name === 'simpleContent') {
          t.textType = base?.kind === 'simple' ? base : base?.kind === 'complex' ? base.textType ?? STRING : STRING;
          if (base?.kind === 'complex') t.attributes.push(...base.attributes);
        }
        const own: Particle[] = [];
        if (base?.kind === 'complex' && c.name === 'complexContent' && ext.name === 'extension') {
          t.attributes.push(...base.attributes);
          if (base.particle) own.push(base.particle);
        }
        for (const x of ext.children) {
          if (x.name === 'sequence' || x.name === 'choice' || x.name === 'all') own.push(this.#particle(x));
          else if (x.name === 'attribute') t.attributes.push(this.#attribute(x));
        }
        if (own.length === 1) t.particle = own[0];
        else if (own.length > 1) t.particle = { kind: 'sequence', min: 1, max: 1, items: own };
      }
    }
  }

  #attribute(el: XmlElement): AttributeDecl {
    let type: SimpleType = STRING;
    if (el.attrs.type) { const r = this.#resolve(el.attrs.type); if (r?.kind === 'simple') type = r; }
    const st = el.children.find((c) => c.name === 'simpleType');
    if (st) type = this.#compileSimple(st);
    return { name: el.attrs.name ?? '', required: el.attrs.use === 'required', type };
  }

  #particle(el: XmlElement): Particle {
    const min = occurs(el, 'minOccurs', 1);
    const max = occurs(el, 'maxOccurs', 1);
    if (el.name === 'element') {
      const decl: ElementDecl = { kind: 'element', name: el.attrs.name ?? '', min, max, nillable: el.attrs.nillable === 'true' };
      if (el.attrs.ref) { decl.name = localRef(el.attrs.ref)[1]; const g = this.#definition('element', decl.name); if (g) decl.inline = g; }
      else if (el.attrs.type) decl.typeRef = el.attrs.type;
      else decl.inline = el;
      return decl;
    }
    if (el.name === 'any') return { kind: 'any', min, max };
    const items: Particle[] = [];
    for (const c of el.children) if (['element', 'sequence', 'choice', 'all', 'any'].includes(c.name)) items.push(this.#particle(c));
    return { kind: el.name as GroupParticle['kind'], min, max, items };
  }

  #compileSimple(el: XmlElement): SimpleType {
    const r = el.children.find((c) => c.name === 'restriction');
    if (r) {
      const base = r.attrs.base ? this.#resolve(r.attrs.base) : undefined;
      const b: SimpleType = base?.kind === 'simple' ? base : STRING;
      const t: SimpleType = { kind: 'simple', builtin: b.builtin };
      if (b.union) t.union = b.union;
      if (b.patterns) t.patterns = [...b.patterns];
      for (const f of r.children) {
        const v = f.attrs.value ?? '';
        if (f.name === 'enumeration') (t.enums ??= new Set()).add(v);
        else if (f.name === 'pattern') { const re = compilePattern(v); if (re) (t.patterns ??= []).push(re); }
        else if (f.name === 'maxLength') t.maxLength = Number(v);
        else if (f.name === 'minLength') t.minLength = Number(v);
        else if (f.name === 'maxInclusive') t.maxInclusive = Number(v);
        else if (f.name === 'minInclusive') t.minInclusive = Number(v);
      }
      return t;
    }
    const u = el.children.find((c) => c.name === 'union');
    if (u) {
      const members: SimpleType[] = [];
      for (const ref of (u.attrs.memberTypes ?? '').split(/\s+/).filter(Boolean)) {
        const m = this.#resolve(ref);
        if (m?.kind === 'simple') members.push(m);
      }
      for (const c of u.children) if (c.name === 'simpleType') members.push(this.#compileSimple(c));
      return { kind: 'simple', builtin: 'string', union: members };
    }
    return STRING;
  }
}
