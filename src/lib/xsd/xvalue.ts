/**
 * @module Plain-object form of XML content used by the lab's stores: an element's children by
 * name (arrays for repeats), `@name` for attributes and `#text` for text beside attributes.
 */
import type { XmlElement } from './xml-tree.ts';

export type XValue = string | XObject | XValue[];
export interface XObject { [key: string]: XValue | undefined }

/** Convert a parsed element's content into an XValue (leaf without attributes → its text). */
export function toXValue(el: XmlElement): XValue {
  const attrNames = Object.keys(el.attrs).filter((a) => a !== 'nil' && a !== 'type');
  if (el.children.length === 0 && attrNames.length === 0) return el.text;
  const obj: XObject = {};
  for (const a of attrNames) obj[`@${a}`] = el.attrs[a];
  if (el.children.length === 0) obj['#text'] = el.text;
  for (const c of el.children) {
    const v = toXValue(c);
    const prev = obj[c.name];
    if (prev === undefined) obj[c.name] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else obj[c.name] = [prev, v];
  }
  return obj;
}

/** Text of a leaf value (`#text` for a value with attributes). */
export function xText(v: XValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return xText(v[0]);
  const t = v['#text'];
  return typeof t === 'string' ? t : '';
}

/** Values of a possibly repeated child as an array. */
export function xList(v: XValue | undefined): XValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Child object (or undefined when the value is a string or missing). */
export function xObj(v: XValue | undefined): XObject | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Keep only the children named in `tags` (an AXL returnedTags element); attributes stay. */
export function pickTags(v: XValue, tags: XmlElement | undefined): XValue {
  if (!tags || tags.children.length === 0 || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => pickTags(x, tags));
  const out: XObject = {};
  for (const [k, val] of Object.entries(v)) if (k.startsWith('@')) out[k] = val;
  for (const t of tags.children) {
    const val = v[t.name];
    if (val !== undefined) out[t.name] = pickTags(val, t);
  }
  return out;
}
