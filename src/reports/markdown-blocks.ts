/**
 * @module The Markdown subset reports use, parsed into blocks for the PDF renderer: ATX headings,
 * paragraphs, bullet and numbered lists, pipe tables, fenced code, rules. Raw HTML is never
 * interpreted: it is kept as literal text. Inline markers (**bold**, `code`, [text](url)) are
 * reduced to their text. Text is cut to printable Latin-1 (what the PDF's standard fonts encode).
 */

export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; lines: string[] }
  | { kind: 'rule' };

/** Printable Latin-1 only; tabs become spaces, other control characters "?". */
export function pdfSafeText(s: string): string {
  return s.replace(/\t/g, '    ').replace(/[\u2013\u2014]/g, '-').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\u2026/g, '...')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

/** Inline Markdown reduced to plain text (links keep their text, then the URL in brackets). */
export function inlineText(s: string): string {
  return pdfSafeText(s
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, (_m, t: string, u: string) => (u && u !== t ? `${t} (${u})` : t))
    .replace(/\*\*([^*]+)\*\*/g, '$1').replace(/__([^_]+)__/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1'));
}

function splitRow(line: string): string[] {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === '\\' && t[i + 1] === '|') { cur += '|'; i++; continue; }
    if (ch === '|') { cells.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  cells.push(cur.trim());
  return cells.map(inlineText);
}

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const DELIM_RE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Parse Markdown into blocks (linear time; no nesting beyond one list level). */
export function parseMarkdown(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) out.push({ kind: 'paragraph', text: inlineText(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').trimStart().startsWith(fence[1]!); i++) code.push(pdfSafeText(lines[i] ?? ''));
      out.push({ kind: 'code', lines: code });
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) { flush(); out.push({ kind: 'heading', level: h[1]!.length, text: inlineText(h[2]!) }); continue; }
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) { flush(); out.push({ kind: 'rule' }); continue; }
    if (line.includes('|') && DELIM_RE.test(lines[i + 1] ?? '')) {
      flush();
      const header = splitRow(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== ''; i++) rows.push(splitRow(lines[i] ?? ''));
      i--;
      out.push({ kind: 'table', header, rows });
      continue;
    }
    const li = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (li) {
      flush();
      const ordered = /\d/.test(li[1]!);
      const items: string[] = [inlineText(li[2]!)];
      for (; i + 1 < lines.length; i++) {
        const next = lines[i + 1] ?? '';
        const m = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(next);
        if (m && /\d/.test(m[1]!) === ordered) items.push(inlineText(m[2]!));
        else if (/^\s{2,}\S/.test(next) && !/^\s*([-*+]|\d+[.)])\s/.test(next)) items[items.length - 1] += ` ${inlineText(next.trim())}`;
        else break;
      }
      out.push({ kind: 'list', ordered, items });
      continue;
    }
    if (line.trim() === '') { flush(); continue; }
    para.push(line.trim());
  }
  flush();
  return out;
}
