/**
 * @module A small escaping XML writer: every text and attribute value goes through `escapeXmlText`
 * / `escapeXmlAttr`, and element/attribute names are checked, so values can never become markup.
 */

/** XML 1.0 forbids these characters (W3C XML 1.0 §2.2); they are dropped from output. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** True when `text` holds a character XML 1.0 cannot carry. */
export function hasInvalidXmlChars(text: string): boolean {
  INVALID_XML_CHARS.lastIndex = 0;
  const found = INVALID_XML_CHARS.test(text);
  INVALID_XML_CHARS.lastIndex = 0;
  return found;
}

/** Escape character data (`]]>` is harmless once `>` is escaped). */
export function escapeXmlText(value: string): string {
  return value.replace(INVALID_XML_CHARS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Escape an attribute value written between double quotes. */
export function escapeXmlAttr(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function checkName(name: string): string {
  if (!NAME_PATTERN.test(name)) throw new Error(`Invalid XML name "${name.slice(0, 40)}"`);
  return name;
}

export type XmlAttrs = Record<string, string | undefined>;

function attrText(attrs: XmlAttrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ` ${checkName(k)}="${escapeXmlAttr(v)}"`;
  return out;
}

/** Builds a document piece by piece into an array of chunks (cheap for 50,000-row answers). */
export class XmlWriter {
  #parts: string[] = [];
  #open: string[] = [];

  /** `<?xml …?>` prolog, as given (callers pass a fixed string). */
  raw(fixed: string): this {
    this.#parts.push(fixed);
    return this;
  }

  open(name: string, attrs?: XmlAttrs): this {
    this.#parts.push(`<${checkName(name)}${attrText(attrs)}>`);
    this.#open.push(name);
    return this;
  }

  close(): this {
    const name = this.#open.pop();
    if (name === undefined) throw new Error('XmlWriter.close() without open()');
    this.#parts.push(`</${name}>`);
    return this;
  }

  /** `<name attrs>value</name>`, or `<name attrs/>` when value is empty or undefined. */
  leaf(name: string, value: string | undefined, attrs?: XmlAttrs): this {
    const n = checkName(name);
    if (value === undefined || value === '') this.#parts.push(`<${n}${attrText(attrs)}/>`);
    else this.#parts.push(`<${n}${attrText(attrs)}>${escapeXmlText(value)}</${n}>`);
    return this;
  }

  text(value: string): this {
    this.#parts.push(escapeXmlText(value));
    return this;
  }

  toString(): string {
    if (this.#open.length > 0) throw new Error(`XmlWriter has unclosed elements: ${this.#open.join(', ')}`);
    return this.#parts.join('');
  }
}
