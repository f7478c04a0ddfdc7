/**
 * @module A tokenizer for the Informix SQL that CUCM's executeSQLQuery/Update accept: strings
 * ('…' and "…" with doubled quotes), the three comment forms (--, /* *\/, {…}), words, numbers,
 * semicolons and operators. Anything it does not recognise (NUL, non-ASCII outside a string,
 * backslashes, quote look-alikes) is an error, so a check can never be fooled by what it skipped.
 */
import { AppError } from '../../lib/errors.ts';

export type SqlTokenKind = 'word' | 'number' | 'string' | 'comment' | 'semicolon' | 'op';
export interface SqlToken { kind: SqlTokenKind; text: string; start: number; end: number }

const OPS = ['<=', '>=', '<>', '!=', '||', '::', '(', ')', ',', '.', '=', '<', '>', '+', '-', '*', '/', '%', ':', '[', ']'];

function refuse(what: string, at: number): AppError {
  return new AppError('E_INPUT_INVALID', `Refused SQL: ${what} at character ${at + 1}`, { hint: 'send one plain SQL statement; see the tool description for what is allowed' });
}

export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i), start, end: i });
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      if (e < 0) throw refuse('an unterminated /* comment', start);
      i = e + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i), start, end: i });
    } else if (c === '{') {
      const e = sql.indexOf('}', i + 1);
      if (e < 0) throw refuse('an unterminated { comment', start);
      i = e + 1;
      out.push({ kind: 'comment', text: sql.slice(start, i), start, end: i });
    } else if (c === "'" || c === '"') {
      i++;
      for (;;) {
        if (i >= sql.length) throw refuse('an unterminated string', start);
        if (sql[i] === c) { if (sql[i + 1] === c) { i += 2; continue; } i++; break; }
        i++;
      }
      const body = sql.slice(start + 1, i - 1);
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(body)) throw refuse('a control character inside a string', start);
      out.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9.eE]/.test(sql[i]!)) i++;
      out.push({ kind: 'number', text: sql.slice(start, i), start, end: i });
    } else if (c === ';') {
      i++;
      out.push({ kind: 'semicolon', text: ';', start, end: i });
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i));
      if (!op) throw refuse(`the character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`, start);
      i += op.length;
      out.push({ kind: 'op', text: op, start, end: i });
    }
  }
  return out;
}
