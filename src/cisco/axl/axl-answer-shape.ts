/**
 * @module AXL answers in a shape that does not change with the data: every element the schema
 * declares repeatable (maxOccurs > 1, or inside a repeatable sequence/choice) is an array, even
 * with one item, so an agent's code works the same for one phone and for two. References keep
 * their uuid as `{"@uuid": "{…}", "#text": "name"}`; empty and `xsi:nil` elements are "".
 * Answers are read leniently (BEHAVIOUR.md §1: real answers are not always schema-valid): an
 * element the schema does not know is kept as it came.
 */
import type { ComplexType, Particle, SchemaModel, TypeDef } from '../../lib/xsd/schema-model.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { addXChild, dataAttrObject, xnodeValue } from '../../lib/xsd/xml-scan.ts';
import type { ScannedXml, XmlBuilder, XNode } from '../../lib/xsd/xml-scan.ts';

interface Child { type: () => TypeDef; many: boolean }

const CHILDREN = new WeakMap<ComplexType, Map<string, Child>>();

function collect(model: SchemaModel, p: Particle, outerMany: boolean, out: Map<string, Child>): void {
  if (p.kind === 'any') return;
  if (p.kind === 'element') {
    const many = outerMany || p.max > 1;
    const prev = out.get(p.name);
    // The same name twice in one content model (e.g. in two choice branches) repeats too.
    out.set(p.name, { type: () => model.typeOf(p), many: many || prev !== undefined });
    return;
  }
  for (const item of p.items) collect(model, item, outerMany || p.max > 1, out);
}

function children(model: SchemaModel, t: ComplexType): Map<string, Child> {
  let m = CHILDREN.get(t);
  if (!m) {
    m = new Map();
    if (t.particle) collect(model, t.particle, false, m);
    CHILDREN.set(t, m);
  }
  return m;
}

/** `value` shaped after type `t`. */
export function shapeByType(model: SchemaModel, t: TypeDef | undefined, value: XValue, depth = 0): XValue {
  if (!t || t.kind !== 'complex' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => shapeByType(model, t, v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const kids = children(model, t);
  const out: XObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const c = k.startsWith('@') || k === '#text' ? undefined : kids.get(k);
    if (!c) { out[k] = v; continue; }
    const type = c.type();
    if (c.many) out[k] = (Array.isArray(v) ? v : [v]).map((x) => shapeByType(model, type, x, depth + 1));
    else out[k] = shapeByType(model, type, v, depth + 1);
  }
  return out;
}

/** The `<return>` of `<operation>Response`, shaped by the schema; executeSQLQuery rows always an array. */
export function shapeAxlReturn(model: SchemaModel, operation: string, ret: XValue): XValue {
  const resp = model.elementType(`${operation}Response`);
  const retType = resp && resp.kind === 'complex' ? children(model, resp).get('return')?.type() : undefined;
  return listReturn(operation, shapeByType(model, retType, ret));
}

/**
 * A `<return>` already shaped while it was read (axlAnswerBuilder): the list normalisation of
 * shapeAxlReturn. executeSQLQuery rows are xsd:any, and a list with no match is an empty
 * <return/>: keep both as arrays/objects.
 */
export function listReturn(operation: string, shaped: XValue): XValue {
  if (operation !== 'executeSQLQuery' && !operation.startsWith('list')) return shaped;
  if (typeof shaped !== 'object' || shaped === null || Array.isArray(shaped)) return {};
  let arrays = true;
  for (const k in shaped) if (!Array.isArray(shaped[k])) { arrays = false; break; }
  if (arrays) return shaped;
  const out: XObject = {};
  for (const [k, x] of Object.entries(shaped)) if (x !== undefined) out[k] = Array.isArray(x) ? x : [x];
  return out;
}

/** An answer without <return> (listChangeResponse), shaped by the response type itself. */
export function shapeAxlResponse(model: SchemaModel, operation: string, content: XValue): XValue {
  return shapeByType(model, model.elementType(`${operation}Response`), content);
}

/** Where an element is in a SOAP answer, for axlAnswerBuilder. */
const ENVELOPE = 1, BODY = 2, OTHER = 0;

/** Builder state of one open element (scratch, reused by depth like xml-scan's own builder). */
interface ShapeNode extends XNode {
  /** The children its schema type declares; undefined: nothing below is shaped (unknown or simple type). */
  declared: Map<string, Child> | undefined;
  /** Declared repeatable in its parent's type: always an array there. */
  many: boolean;
  place: number;
  /** Body only: its first element (the answer) was seen. */
  answered: boolean;
}

/**
 * The SOAP answer to `operation` in the plain-object form of lib/xsd/xml-scan (same attributes,
 * text and order), shaped by the schema while it is read (issue 20: one pass, no copy of every
 * row): below the Body's first element, an element its parent's type declares repeatable is an
 * array even with one item, exactly as shapeByType would make it, and an element the schema does
 * not declare keeps its content as it came. A Fault is not shaped. Unlike shapeByType there is no
 * depth limit (there is no recursion; the scanner refuses documents nested deeper than 100).
 */
export function axlAnswerBuilder(model: SchemaModel, operation: string): XmlBuilder<ShapeNode, ScannedXml> {
  let answerType: Map<string, Child> | undefined | null = null;
  const declaredOf = (t: TypeDef | undefined): Map<string, Child> | undefined => (t && t.kind === 'complex' ? children(model, t) : undefined);
  return {
    start(name, _ns, attrs, spare, parent) {
      const obj = dataAttrObject(attrs);
      let declared: Map<string, Child> | undefined;
      let many = false;
      let place = OTHER;
      if (!parent) place = name === 'Envelope' ? ENVELOPE : OTHER;
      else if (parent.place === ENVELOPE && name === 'Body') place = BODY;
      else if (parent.place === BODY && !parent.answered) {
        parent.answered = true;
        if (name !== 'Fault') declared = answerType === null ? (answerType = declaredOf(model.elementType(`${operation}Response`))) : answerType;
      } else if (parent.declared) {
        const c = parent.declared.get(name);
        if (c) { declared = declaredOf(c.type()); many = c.many; }
      }
      const n = spare ?? ({} as ShapeNode);
      n.name = name; n.obj = obj; n.kids = false; n.text = ''; n.declared = declared; n.many = many; n.place = place; n.answered = false;
      return n;
    },
    text(node, text) { node.text += text; },
    child(parent, node) { addXChild(parent, node, node.many); },
    root(node) { return { name: node.name, value: xnodeValue(node) }; },
  };
}
