/**
 * @module Write an XValue as XML in the order and shape a schema type prescribes: children in
 * particle order, only declared elements and attributes, repeats capped by maxOccurs, and a
 * complex element left out when it would be empty but its type requires content.
 */
import type { ComplexType, Particle, SchemaModel, TypeDef } from './schema-model.ts';
import type { XmlWriter } from './xml-writer.ts';
import type { XObject, XValue } from './xvalue.ts';
import { xText } from './xvalue.ts';

function needsContent(p: Particle | undefined): boolean {
  if (!p || p.min === 0) return false;
  if (p.kind === 'element' || p.kind === 'any') return true;
  if (p.kind === 'choice') return p.items.every(needsContent);
  return p.items.some(needsContent);
}

function hasAny(p: Particle, obj: XObject): boolean {
  if (p.kind === 'element') return obj[p.name] !== undefined;
  if (p.kind === 'any') return false;
  return p.items.some((it) => hasAny(it, obj));
}

function emitParticle(model: SchemaModel, w: XmlWriter, p: Particle, obj: XObject): void {
  if (p.kind === 'any') return;
  if (p.kind === 'element') {
    const v = obj[p.name];
    if (v === undefined) return;
    const vals = Array.isArray(v) ? v : [v];
    const t = model.typeOf(p);
    for (const one of vals.slice(0, p.max === Infinity ? undefined : p.max)) writeValue(model, w, { name: p.name, value: one, type: t });
    return;
  }
  if (p.kind === 'choice') {
    const hit = p.items.find((it) => hasAny(it, obj));
    if (hit) emitParticle(model, w, hit, obj);
    return;
  }
  for (const it of p.items) emitParticle(model, w, it, obj);
}

function attrsFor(t: ComplexType, v: XValue): Record<string, string> | undefined {
  if (typeof v !== 'object' || Array.isArray(v) || t.attributes.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const a of t.attributes) { const x = v[`@${a.name}`]; if (typeof x === 'string') out[a.name] = x; }
  return out;
}

export interface WriteValueArgs {
  name: string;
  value: XValue;
  type: TypeDef;
  /** Extra attributes on this element only (e.g. xmlns declarations on a response element). */
  extraAttrs?: Record<string, string>;
}

/** Write `value` as element `name` of `type`; returns false when it was left out. */
export function writeValue(model: SchemaModel, w: XmlWriter, args: WriteValueArgs): boolean {
  const { name, value, type, extraAttrs } = args;
  if (type.kind === 'simple') { w.leaf(name, xText(value), extraAttrs); return true; }
  const attrs = { ...extraAttrs, ...attrsFor(type, value) };
  if (type.textType) { w.leaf(name, xText(value), attrs); return true; }
  const obj: XObject = typeof value === 'object' && !Array.isArray(value) ? value : {};
  if (!type.particle || !hasAny(type.particle, obj)) {
    if (needsContent(type.particle)) return false;
    w.leaf(name, undefined, attrs);
    return true;
  }
  w.open(name, attrs);
  emitParticle(model, w, type.particle, obj);
  w.close();
  return true;
}
