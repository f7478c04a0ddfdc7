/**
 * @module Validate a parsed element against a compiled schema type, the way a Xerces-based server
 * (CUCM's AXL) does: content model order and counts, unknown elements and attributes, simple-type
 * facets. Returns the first problem as a Xerces-style message, or undefined when valid.
 */
import type { ComplexType, ElementDecl, Particle, SchemaModel, SimpleType, TypeDef } from './schema-model.ts';
import type { XmlElement } from './xml-tree.ts';

export interface ValidateOptions {
  /** Element names whose subtree is checked for structure only (AXL `returnedTags` carry empty values). */
  structureOnlyUnder?: ReadonlySet<string>;
}

class Invalid extends Error {}

const INTEGER_TYPES: Record<string, [number, number]> = {
  integer: [-Infinity, Infinity], long: [-(2 ** 63), 2 ** 63], int: [-(2 ** 31), 2 ** 31 - 1], short: [-32768, 32767],
  unsignedLong: [0, 2 ** 64], unsignedInt: [0, 2 ** 32 - 1], unsignedShort: [0, 65535], nonNegativeInteger: [0, Infinity],
  positiveInteger: [1, Infinity], byte: [-128, 127], unsignedByte: [0, 255],
};

/** First facet problem of `value` against `type`, or undefined. */
export function checkSimpleValue(type: SimpleType, value: string): string | undefined {
  if (type.union) {
    const bad = type.union.map((m) => checkSimpleValue(m, value));
    return bad.some((b) => b === undefined) ? undefined : `cvc-datatype-valid.1.2.3: '${value}' is not a valid value of union type`;
  }
  const b = type.builtin;
  const v = b === 'string' || b === 'anyType' ? value : value.trim();
  if (b in INTEGER_TYPES) {
    if (!/^[+-]?\d+$/.test(v)) return `cvc-datatype-valid.1.2.1: '${v}' is not a valid value for '${b}'.`;
    const n = Number(v);
    const [lo, hi] = INTEGER_TYPES[b]!;
    if (n < lo || n > hi) return `cvc-datatype-valid.1.2.1: '${v}' is not a valid value for '${b}'.`;
    if (type.minInclusive !== undefined && n < type.minInclusive) return `cvc-minInclusive-valid: Value '${v}' is not facet-valid with respect to minInclusive '${type.minInclusive}'.`;
    if (type.maxInclusive !== undefined && n > type.maxInclusive) return `cvc-maxInclusive-valid: Value '${v}' is not facet-valid with respect to maxInclusive '${type.maxInclusive}'.`;
  } else if (b === 'boolean' && !/^(true|false|1|0)$/.test(v)) {
    return `cvc-datatype-valid.1.2.1: '${v}' is not a valid value for 'boolean'.`;
  }
  if (type.enums && !type.enums.has(v)) return `cvc-enumeration-valid: Value '${v}' is not facet-valid with respect to enumeration. It must be a value from the enumeration.`;
  const len = [...v].length;
  if (type.maxLength !== undefined && len > type.maxLength) return `cvc-maxLength-valid: Value with length = '${len}' is not facet-valid with respect to maxLength '${type.maxLength}'.`;
  if (type.minLength !== undefined && len < type.minLength) return `cvc-minLength-valid: Value with length = '${len}' is not facet-valid with respect to minLength '${type.minLength}'.`;
  for (const re of type.patterns ?? []) if (!re.test(v)) return `cvc-pattern-valid: Value '${v}' is not facet-valid with respect to pattern '${re.source.slice(4, -2)}'.`;
  return undefined;
}

/** Furthest point a match got to, and what was expected there (for the error message). */
interface Failure { pos: number; expected: Set<string> }

/** Match `p` against kids from `pos`; record which declaration each child matched; -1 on failure. */
function match(p: Particle, kids: XmlElement[], pos: number, assign: (ElementDecl | null)[], fail: Failure): number {
  if (p.kind === 'element') {
    let n = 0;
    while (n < p.max && pos < kids.length && kids[pos]!.name === p.name) { assign[pos] = p; pos++; n++; }
    if (n < p.max) {
      if (pos > fail.pos) { fail.pos = pos; fail.expected = new Set(); }
      if (pos === fail.pos) fail.expected.add(p.name);
    }
    return n < p.min ? -1 : pos;
  }
  if (p.kind === 'any') {
    let n = 0;
    while (n < p.max && pos < kids.length) { assign[pos] = null; pos++; n++; }
    return n < p.min ? -1 : pos;
  }
  let reps = 0;
  if (p.kind === 'all') {
    const used = new Set<Particle>();
    while (pos < kids.length) {
      const item = p.items.find((it) => !used.has(it) && it.kind === 'element' && it.name === kids[pos]!.name);
      if (!item) break;
      used.add(item);
      pos = match(item, kids, pos, assign, fail);
    }
    const missing = p.items.some((it) => !used.has(it) && it.kind === 'element' && it.min > 0);
    return missing && p.min > 0 ? -1 : pos;
  }
  while (reps < p.max) {
    const start = pos;
    let next = -1;
    if (p.kind === 'sequence') {
      next = start;
      for (const item of p.items) { next = match(item, kids, next, assign, fail); if (next < 0) break; }
    } else {
      let empty = -1;
      for (const item of p.items) {
        const r = match(item, kids, start, assign, fail);
        if (r > start) { next = r; break; }
        if (r === start && empty < 0) empty = r;
      }
      if (next < 0) next = empty;
    }
    if (next < 0) return reps >= p.min ? start : -1;
    reps++;
    pos = next;
    if (next === start) break;
  }
  return reps < p.min && !(reps > 0) ? -1 : pos;
}

function validateComplex(model: SchemaModel, el: XmlElement, t: ComplexType, structureOnly: boolean, opts: ValidateOptions): void {
  for (const a of Object.keys(el.attrs)) {
    if (a === 'nil' || a === 'type' || a === 'schemaLocation' || a === 'noNamespaceSchemaLocation') continue;
    const decl = t.attributes.find((d) => d.name === a);
    if (!decl) throw new Invalid(`cvc-complex-type.3.2.2: Attribute '${a}' is not allowed to appear in element '${el.name}'.`);
    const bad = structureOnly ? undefined : checkSimpleValue(decl.type, el.attrs[a]!);
    if (bad) throw new Invalid(`${bad} (attribute '${a}' of element '${el.name}')`);
  }
  for (const d of t.attributes) if (d.required && !(d.name in el.attrs)) throw new Invalid(`cvc-complex-type.4: Attribute '${d.name}' must appear on element '${el.name}'.`);
  if (t.textType) {
    if (el.children.length > 0) throw new Invalid(`cvc-type.3.1.2: Element '${el.name}' is a simple type, so it must have no element information item [children].`);
    const bad = structureOnly ? undefined : checkSimpleValue(t.textType, el.text);
    if (bad) throw new Invalid(`${bad} (element '${el.name}')`);
    return;
  }
  if (!t.isMixed && el.text.trim() !== '') throw new Invalid(`cvc-complex-type.2.3: Element '${el.name}' cannot have character [children], because the type's content type is element-only.`);
  const kids = el.children;
  const assign: (ElementDecl | null)[] = new Array<ElementDecl | null>(kids.length).fill(null);
  const fail: Failure = { pos: -1, expected: new Set() };
  const end = t.particle ? match(t.particle, kids, 0, assign, fail) : 0;
  if (end < 0 || end < kids.length) {
    const at = end < 0 ? fail.pos : Math.max(end, fail.pos);
    const names = [...(at === fail.pos ? fail.expected : [])].slice(0, 12).map((n) => `"${n}"`).join(', ');
    if (at < 0 || at >= kids.length) throw new Invalid(`cvc-complex-type.2.4.b: The content of element '${el.name}' is not complete. One of '{${names}}' is expected.`);
    throw new Invalid(`cvc-complex-type.2.4.a: Invalid content was found starting with element '${kids[at]!.name}'. One of '{${names}}' is expected.`);
  }
  kids.forEach((kid, i) => {
    const decl = assign[i];
    if (decl) validateNode(model, kid, decl, structureOnly || (opts.structureOnlyUnder?.has(kid.name) ?? false), opts);
  });
}

function validateNode(model: SchemaModel, el: XmlElement, decl: ElementDecl, structureOnly: boolean, opts: ValidateOptions): void {
  if (el.attrs.nil === 'true') {
    if (!decl.nillable && !structureOnly) throw new Invalid(`cvc-elt.3.1: Attribute 'xsi:nil' must not appear on element '${el.name}', because the {nillable} property of '${el.name}' is false.`);
    return;
  }
  validateAgainst(model, el, model.typeOf(decl), structureOnly, opts);
}

function validateAgainst(model: SchemaModel, el: XmlElement, t: TypeDef, structureOnly: boolean, opts: ValidateOptions): void {
  if (t.kind === 'complex') return validateComplex(model, el, t, structureOnly, opts);
  if (el.children.length > 0) throw new Invalid(`cvc-type.3.1.2: Element '${el.name}' is a simple type, so it must have no element information item [children].`);
  const bad = structureOnly ? undefined : checkSimpleValue(t, el.text);
  if (bad) throw new Invalid(`${bad} (element '${el.name}')`);
}

/** Validate `el` as an instance of the global element `globalName`; the first problem or undefined. */
export function validateElement(model: SchemaModel, el: XmlElement, globalName: string, opts: ValidateOptions = {}): string | undefined {
  const t = model.elementType(globalName);
  if (!t) return `cvc-elt.1.a: Cannot find the declaration of element '${globalName}'.`;
  try {
    validateAgainst(model, el, t, false, opts);
    return undefined;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    throw err;
  }
}
