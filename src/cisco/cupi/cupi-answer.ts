/**
 * @module CUPI answers as Unity Connection really sends them (CUPI-USER; BEHAVIOUR.md §4):
 * - lists in both JSON forms, `{"@total":"2","User":[…]}` and Cisco's documented
 *   `{"Users":{"-total":"1","User":{…}}}`, with one item as an object, become one shape:
 *   `{"@total": "N", "<Item>": [ … ]}` (the items always an array);
 * - error bodies (`<ErrorDetails><errors><code>…` in XML or JSON) read into code and message;
 *   `400 DATA_EXCEPTION … not found` is a not-found, like 404 NOT_FOUND.
 */
import { scanXml } from '../../lib/xsd/xml-scan.ts';
import { xObj, xText } from '../../lib/xsd/xvalue.ts';

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function totalOf(o: Json): string | undefined {
  const t = o['@total'] ?? o['-total'] ?? o.total;
  return typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
}

/** The list in one shape, or undefined when `body` is not a list answer. */
export function normaliseCupiList(body: unknown): { total: number; list: Json } | undefined {
  if (!isObj(body)) return undefined;
  let holder: Json = body;
  let total = totalOf(body);
  if (total === undefined) {
    // {"Users": {"-total": "1", "User": {...}}}: one wrapper key holding the list.
    const keys = Object.keys(body);
    const inner = keys.length === 1 ? body[keys[0]!] : undefined;
    if (!isObj(inner) || totalOf(inner) === undefined) return undefined;
    holder = inner;
    total = totalOf(inner);
  }
  const list: Json = { '@total': total };
  for (const [k, v] of Object.entries(holder)) {
    if (k === '@total' || k === '-total' || k === 'total') continue;
    list[k] = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  }
  return { total: Number(total), list };
}

export interface CupiErrorDetail { code: string; message: string }

/** code and message of an ErrorDetails body (XML or JSON); undefined when there is none. */
export function cupiErrorDetail(text: string): CupiErrorDetail | undefined {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as Json;
      const e = isObj(j.errors) ? j.errors : isObj(j.ErrorDetails) && isObj(j.ErrorDetails.errors) ? j.ErrorDetails.errors : undefined;
      if (e) return { code: String(e.code ?? ''), message: String(e.message ?? '') };
    } catch { return undefined; }
    return undefined;
  }
  if (!t.startsWith('<')) return undefined;
  try {
    const root = scanXml(t);
    if (root.name !== 'ErrorDetails') return undefined;
    const e = xObj(xObj(root.value)?.errors);
    return e ? { code: xText(e.code).trim(), message: xText(e.message).trim() } : undefined;
  } catch { return undefined; }
}

/** 404 NOT_FOUND, and the 400 DATA_EXCEPTION CUC sends for some missing objects ("… not found"). */
export function isCupiNotFound(status: number, detail: CupiErrorDetail | undefined): boolean {
  if (status === 404) return true;
  return status === 400 && detail?.code === 'DATA_EXCEPTION' && /\bnot found\b/i.test(detail.message);
}

/** Fields kept by every selection, so an item can still be addressed. */
const ALWAYS_KEPT = ['ObjectId', 'URI'];

export interface FieldSelection {
  body: unknown;
  /** Requested fields no item has (after the selection, the agent sees why they are absent). */
  missing: string[];
  /** Field names the items do have (bounded), to correct a wrong name. */
  available: string[];
}

/**
 * Keep only `fields` (plus ObjectId and URI) of each item of a normalised list answer, or of a
 * single object answer. Matching is exact, as CUPI field names are case-sensitive.
 */
export function selectCupiFields(body: unknown, fields: readonly string[]): FieldSelection {
  const want = new Set([...fields, ...ALWAYS_KEPT]);
  const seen = new Set<string>();
  const pick = (item: unknown): unknown => {
    if (!isObj(item)) return item;
    const out: Json = {};
    for (const [k, v] of Object.entries(item)) { seen.add(k); if (want.has(k)) out[k] = v; }
    return out;
  };
  let out: unknown = body;
  if (isObj(body) && totalOf(body) !== undefined) {
    const list: Json = {};
    for (const [k, v] of Object.entries(body)) list[k] = Array.isArray(v) ? v.map(pick) : v;
    out = list;
  } else if (isObj(body)) {
    out = pick(body);
  }
  return { body: out, missing: fields.filter((f) => !seen.has(f)), available: [...seen].sort().slice(0, 200) };
}
