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
  const shaped = shapeByType(model, retType, ret);
  if (operation !== 'executeSQLQuery' && !operation.startsWith('list')) return shaped;
  // executeSQLQuery rows are xsd:any, and a list with no match is an empty <return/>: keep both as arrays/objects.
  if (typeof shaped !== 'object' || shaped === null || Array.isArray(shaped)) return {};
  const out: XObject = {};
  for (const [k, x] of Object.entries(shaped)) if (x !== undefined) out[k] = Array.isArray(x) ? x : [x];
  return out;
}

/** An answer without <return> (listChangeResponse), shaped by the response type itself. */
export function shapeAxlResponse(model: SchemaModel, operation: string, content: XValue): XValue {
  return shapeByType(model, model.elementType(`${operation}Response`), content);
}
