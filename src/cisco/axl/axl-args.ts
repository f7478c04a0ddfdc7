/**
 * @module Agent JSON → the XValue an AXL request element is written from, checked against the
 * schema on the way: every key must be an element (or `@attribute`) the schema declares at that
 * place, so agent-supplied keys never become markup (security/TESTING.md T-IN-02).
 */
import { AppError } from '../../lib/errors.ts';
import type { ElementDecl, Particle, SchemaModel, TypeDef } from '../../lib/xsd/schema-model.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';

const MAX_DEPTH = 24;

function declsOf(p: Particle | undefined, out: Map<string, ElementDecl>): Map<string, ElementDecl> {
  if (!p || p.kind === 'any') return out;
  if (p.kind === 'element') { if (!out.has(p.name)) out.set(p.name, p); return out; }
  for (const it of p.items) declsOf(it, out);
  return out;
}

function invalid(path: string, what: string, hint: string): AppError {
  return new AppError('E_INPUT_INVALID', `Invalid AXL arguments: ${path} ${what}`, { hint });
}

function scalar(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '';
  throw invalid(path, 'must be a string, number or boolean', 'this element holds a single value');
}

/** Where in the arguments a value sits (for messages and the depth bound). */
interface At { path: string; depth: number }

/** Convert `value` (the arguments of an element of `type`); throws E_INPUT_INVALID naming the path. */
export function checkArgs(model: SchemaModel, type: TypeDef, value: unknown): XValue {
  return convert(model, { type, value }, { path: 'args', depth: 0 });
}

function convert(model: SchemaModel, it: { type: TypeDef; value: unknown }, where: At): XValue {
  const { type, value } = it;
  const { path, depth } = where;
  if (depth > MAX_DEPTH) throw invalid(path, 'is nested too deeply', 'AXL requests are at most a few levels deep');
  if (type.kind === 'simple') return scalar(value, path);
  if (value === null || value === '' || value === undefined) return '';
  if (typeof value !== 'object' || Array.isArray(value)) {
    if (type.textType) return scalar(value, path);
    throw invalid(path, 'must be an object', `give its child elements as keys (see cucm_axl_describe)`);
  }
  const decls = declsOf(type.particle, new Map());
  const out: XObject = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    if (key.startsWith('@')) {
      const a = type.attributes.find((x) => x.name === key.slice(1));
      if (!a) throw invalid(at, 'is not an attribute of this element', type.attributes.length ? `attributes here: ${type.attributes.map((x) => `@${x.name}`).join(', ')}` : 'this element has no attributes');
      out[key] = scalar(v, at);
      continue;
    }
    if (key === '#text' && type.textType) { out[key] = scalar(v, at); continue; }
    const d = decls.get(key);
    if (!d) {
      const names = [...decls.keys()];
      throw invalid(at, 'is not an element the AXL schema allows here', names.length ? `allowed: ${names.slice(0, 40).join(', ')}${names.length > 40 ? ', …' : ''}` : 'this element takes no children');
    }
    const t = model.typeOf(d);
    if (Array.isArray(v)) {
      if (d.max <= 1 && v.length > 1) throw invalid(at, 'may appear only once', 'give a single value, not an array');
      if (v.length > 10_000) throw invalid(at, 'has more than 10,000 items', 'split the request');
      out[key] = v.map((x, i) => convert(model, { type: t, value: x }, { path: `${at}[${i}]`, depth: depth + 1 }));
    } else {
      out[key] = convert(model, { type: t, value: v }, { path: at, depth: depth + 1 });
    }
  }
  return out;
}
