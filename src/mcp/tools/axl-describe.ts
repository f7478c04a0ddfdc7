/**
 * @module A compact, LLM-friendly picture of an AXL request type: child elements with `?` for
 * optional and `[]` for repeated, simple types as `string(max N)` or enum lists. Deeper levels
 * show as `"{…}"`; the caller asks for more with `depth` or describes one subtree with `path`.
 * The picture is bounded (MAX_KEYS entries) so no request can make it unbounded.
 */
import type { ElementDecl, Particle, SchemaModel, TypeDef } from '../../lib/xsd/schema-model.ts';

export const DEFAULT_DEPTH = 3;
export const MAX_DEPTH = 12;
/** Entries described in one answer at most; beyond it levels show as "{…}" and `complete` is false. */
export const MAX_KEYS = 4000;

function simple(t: TypeDef): string {
  if (t.kind !== 'simple') return 'object';
  if (t.enums) { const e = [...t.enums]; return `enum(${e.slice(0, 12).join('|')}${e.length > 12 ? `|… ${e.length - 12} more` : ''})`; }
  if (t.union) return 'string';
  return `${t.builtin}${t.maxLength !== undefined ? `(max ${t.maxLength})` : ''}`;
}

/** How far to go and how much is left; `cut` counts levels shown as "{…}". */
interface Budget { maxDepth: number; keys: number; cut: number }

/** Where a particle is described: output object, depth, whether it is optional, the choice it is part of. */
interface Walk { depth: number; out: Record<string, unknown>; optional: boolean; choice: string[] | undefined; budget: Budget }

function describeParticle(model: SchemaModel, p: Particle, w: Walk): void {
  const { depth, out, optional, choice, budget } = w;
  if (p.kind === 'any') return;
  if (p.kind === 'element') {
    const key = `${p.name}${optional || p.min === 0 ? '?' : ''}${p.max > 1 ? '[]' : ''}`;
    budget.keys--;
    out[key] = describeLevel(model, model.typeOf(p as ElementDecl), depth + 1, budget);
    choice?.push(p.name);
    return;
  }
  const names: string[] = [];
  for (const it of p.items) describeParticle(model, it, { depth, out, optional: optional || p.min === 0 || p.kind === 'choice', choice: p.kind === 'choice' ? names : choice, budget });
  if (p.kind === 'choice' && names.length > 1) {
    const prev = Array.isArray(out['(one of)']) ? out['(one of)'] as string[] : [];
    out['(one of)'] = [...prev, names.join(' | ')];
  }
}

function describeLevel(model: SchemaModel, t: TypeDef, depth: number, budget: Budget): unknown {
  if (t.kind === 'simple') return simple(t);
  if (t.textType && t.attributes.length) return `${simple(t.textType)} (attributes: ${t.attributes.map((a) => `@${a.name}`).join(', ')})`;
  if (t.textType) return simple(t.textType);
  if (depth >= budget.maxDepth || budget.keys <= 0) { budget.cut++; return '{…}'; }
  const out: Record<string, unknown> = {};
  for (const a of t.attributes) out[`@${a.name}${a.required ? '' : '?'}`] = simple(a.type);
  if (t.particle) describeParticle(model, t.particle, { depth, out, optional: false, choice: undefined, budget });
  return out;
}

export function describeType(model: SchemaModel, t: TypeDef, depth = 0, maxDepth = DEFAULT_DEPTH): unknown {
  return describeLevel(model, t, depth, { maxDepth, keys: MAX_KEYS, cut: 0 });
}

export interface Described {
  schema: unknown;
  /** Levels left out as "{…}" (deeper than `depth`, or beyond MAX_KEYS). */
  collapsed: number;
}

/** The picture of `t` down to `depth` levels below it. */
export function describeTree(model: SchemaModel, t: TypeDef, depth: number): Described {
  const budget: Budget = { maxDepth: depth, keys: MAX_KEYS, cut: 0 };
  return { schema: describeLevel(model, t, 0, budget), collapsed: budget.cut };
}

function childElement(p: Particle | undefined, name: string): ElementDecl | undefined {
  if (!p || p.kind === 'any') return undefined;
  if (p.kind === 'element') return p.name === name ? p : undefined;
  for (const it of p.items) { const e = childElement(it, name); if (e) return e; }
  return undefined;
}

/**
 * The type at a dot-separated path of element names below `t` (e.g. "phone.lines.line"), or the
 * names that exist where a step did not match.
 */
export function typeAtPath(model: SchemaModel, t: TypeDef, path: readonly string[]): { type: TypeDef } | { missing: string; at: string; children: string[] } {
  let cur = t;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const el = cur.kind === 'complex' ? childElement(cur.particle, seg) : undefined;
    if (!el) return { missing: seg, at: path.slice(0, i).join('.'), children: cur.kind === 'complex' ? childNames(cur.particle) : [] };
    cur = model.typeOf(el);
  }
  return { type: cur };
}

function childNames(p: Particle | undefined): string[] {
  if (!p || p.kind === 'any') return [];
  if (p.kind === 'element') return [p.name];
  return p.items.flatMap(childNames);
}
