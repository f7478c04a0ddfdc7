/**
 * @module A compact, LLM-friendly picture of an AXL request type: child elements with `?` for
 * optional and `[]` for repeated, simple types as `string(max N)` or enum lists, depth-limited.
 */
import type { ElementDecl, Particle, SchemaModel, TypeDef } from '../../lib/xsd/schema-model.ts';

const MAX_DEPTH = 3;

function simple(t: TypeDef): string {
  if (t.kind !== 'simple') return 'object';
  if (t.enums) { const e = [...t.enums]; return `enum(${e.slice(0, 12).join('|')}${e.length > 12 ? `|… ${e.length - 12} more` : ''})`; }
  if (t.union) return 'string';
  return `${t.builtin}${t.maxLength !== undefined ? `(max ${t.maxLength})` : ''}`;
}

/** Where a particle is described: output object, depth, whether it is optional, the choice it is part of. */
interface Walk { depth: number; out: Record<string, unknown>; optional: boolean; choice: string[] | undefined }

function describeParticle(model: SchemaModel, p: Particle, w: Walk): void {
  const { depth, out, optional, choice } = w;
  if (p.kind === 'any') return;
  if (p.kind === 'element') {
    const key = `${p.name}${optional || p.min === 0 ? '?' : ''}${p.max > 1 ? '[]' : ''}`;
    out[key] = describeType(model, model.typeOf(p as ElementDecl), depth + 1);
    choice?.push(p.name);
    return;
  }
  const names: string[] = [];
  for (const it of p.items) describeParticle(model, it, { depth, out, optional: optional || p.min === 0 || p.kind === 'choice', choice: p.kind === 'choice' ? names : choice });
  if (p.kind === 'choice' && names.length > 1) {
    const prev = Array.isArray(out['(one of)']) ? out['(one of)'] as string[] : [];
    out['(one of)'] = [...prev, names.join(' | ')];
  }
}

export function describeType(model: SchemaModel, t: TypeDef, depth = 0): unknown {
  if (t.kind === 'simple') return simple(t);
  if (t.textType && t.attributes.length) return `${simple(t.textType)} (attributes: ${t.attributes.map((a) => `@${a.name}`).join(', ')})`;
  if (t.textType) return simple(t.textType);
  if (depth >= MAX_DEPTH) return '{…}';
  const out: Record<string, unknown> = {};
  for (const a of t.attributes) out[`@${a.name}${a.required ? '' : '?'}`] = simple(a.type);
  if (t.particle) describeParticle(model, t.particle, { depth, out, optional: false, choice: undefined });
  return out;
}
