/**
 * @module A tokenizer for the Informix SQL that CUCM's executeSQLQuery/Update accept: strings
 * ('…' and "…" with doubled quotes), the three comment forms (--, /* *\/, {…}), words, numbers,
 * semicolons and operators. Anything it does not recognise (NUL, non-ASCII outside a string,
 * backslashes, quote look-alikes) is an error, so a check can never be fooled by what it skipped.
 */
import { AppError } from '../../lib/errors.ts';

export type SqlTokenKind = 'word' | 'number' | 'string' | 'comment' | 'semicolon' | 'op';
export interface SqlToken { kind: SqlTokenKind; text: string; start: number; end: number }

/** One token at a time (sticky); alternatives start with different characters, so no backtracking blow-up. */
const TOKEN = /(\s+)|(--[^\n]*|\/\*[\s\S]*?\*\/|\{[^}]*\})|('(?:[^']|'')*'|"(?:[^"]|"")*")|([A-Za-z_][A-Za-z0-9_$]*)|([0-9][0-9.eE]*)|(;)|(<=|>=|<>|!=|\|\||::|[(),.=<>+\-*\/%:\[\]])/y;
const KINDS: Array<SqlTokenKind | undefined> = [undefined, undefined, 'comment', 'string', 'word', 'number', 'semicolon', 'op'];

function refuse(what: string, at: number): AppError {
  return new AppError('E_FORBIDDEN', `Refused SQL: ${what} at character ${at + 1}`, { hint: 'send one plain SQL statement; see the tool description for what is allowed' });
}

/** Longer text is refused before tokenizing (the tools accept at most 8000 characters). */
export const MAX_TOKENIZE_LENGTH = 10_000;

export function tokenizeSql(sql: string): SqlToken[] {
  if (sql.length > MAX_TOKENIZE_LENGTH) throw refuse(`longer than ${MAX_TOKENIZE_LENGTH} characters`, MAX_TOKENIZE_LENGTH);
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(sql);
    const c = sql[i]!;
    if (!m) {
      if (c === "'" || c === '"') throw refuse('an unterminated string', i);
      if (c === '{') throw refuse('an unterminated { comment', i);
      throw refuse(`the character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`, i);
    }
    const group = m.findIndex((g, n) => n > 0 && g !== undefined);
    const kind = KINDS[group];
    const text = m[0];
    if (kind === 'op' && text === '/' && sql[i + 1] === '*') throw refuse('an unterminated /* comment', i);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
    if (kind === 'string' && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw refuse('a control character inside a string', i);
    if (kind) out.push({ kind, text, start: i, end: i + text.length });
    i += text.length;
  }
  return out;
}
