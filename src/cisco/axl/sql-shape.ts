/**
 * @module The statement shape a read-only AXL query may have (issue #12 item 7, T-IN-10, T-IN-12).
 * Rule: an allowlist of shapes, not a denylist of words. A query is exactly one
 *
 *   SELECT [SKIP n] [FIRST n | LIMIT n] [DISTINCT | UNIQUE | ALL] items
 *   FROM sources [WHERE cond] [GROUP BY items] [HAVING cond] [ORDER BY items] [SKIP n] [FIRST|LIMIT n]
 *
 * with the clauses in that order, each at most once. Inside the clauses only these are allowed:
 * identifiers (table, column, alias, `a.b`), literals, operators, the expression keywords below,
 * parenthesised sub-SELECTs of the same shape, and calls of the functions in FUNCTIONS. Anything
 * else — another clause (INTO, UNION, FOR UPDATE…), a call of any other routine (including
 * database-qualified ones such as `sysadmin:task(…)`, the Informix admin API), a `:` qualifier —
 * is refused before the statement leaves aibridge.
 */
import { AppError } from '../../lib/errors.ts';
import type { SqlToken } from './sql-tokens.ts';

/** Clause keywords in the order they may appear (GROUP and ORDER take a following BY). */
const CLAUSES = ['SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER'] as const;

/** Words with a meaning inside expressions and FROM lists. */
const EXPRESSION_WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'MATCHES', 'BETWEEN', 'ESCAPE', 'AS', 'ON',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'OUTER', 'CROSS', 'FULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'EXISTS', 'ASC', 'DESC',
  'DISTINCT', 'UNIQUE', 'ALL', 'ANY', 'SOME', 'TRUE', 'FALSE', 'BY', 'SKIP', 'FIRST', 'LIMIT', 'NULLS', 'LAST', 'TODAY', 'CURRENT',
  'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'FRACTION', 'TO', 'INTERVAL', 'DATETIME']);

/** Built-in scalar and aggregate functions a query may call; no routine with side effects or file/system access. */
export const FUNCTIONS = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'LOWER', 'UPPER', 'TRIM', 'LTRIM', 'RTRIM', 'LENGTH',
  'CHAR_LENGTH', 'SUBSTR', 'SUBSTRING', 'REPLACE', 'NVL', 'COALESCE', 'NULLIF', 'DECODE', 'CAST', 'CONCAT', 'TO_CHAR', 'TO_DATE',
  'DATE', 'DAY', 'MONTH', 'YEAR', 'WEEKDAY', 'MDY', 'EXTEND', 'ABS', 'ROUND', 'TRUNC', 'MOD', 'HEX', 'LPAD', 'RPAD', 'INSTR',
  'ASCII', 'INITCAP']);

/** Words that may never be an identifier, whatever their position (defence in depth). */
const RESERVED = new Set(['INTO', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'DROP', 'CREATE', 'ALTER', 'RENAME', 'TRUNCATE', 'GRANT',
  'REVOKE', 'EXECUTE', 'EXEC', 'CALL', 'PROCEDURE', 'FUNCTION', 'ROUTINE', 'SYSTEM', 'LOAD', 'UNLOAD', 'LOCK', 'UNLOCK', 'SET',
  'DATABASE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'OUTPUT', 'TRIGGER', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'FOR',
  'WITH', 'TEMP', 'EXTERNAL', 'RAW', 'SCRATCH', 'SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'VALUES', 'SYSADMIN',
  'DBINFO', 'SLEEP']);

function refuse(what: string): AppError {
  return new AppError('E_FORBIDDEN', `Refused SQL: ${what}`, {
    hint: 'send one plain SELECT … FROM … [WHERE] [GROUP BY] [HAVING] [ORDER BY]; sub-SELECTs in parentheses and common functions (count, lower, nvl…) are allowed',
  });
}

const upper = (t: SqlToken | undefined): string => (t && t.kind === 'word' ? t.text.toUpperCase() : '');

/** Index of the `)` that closes the `(` at `open`. */
function closing(tokens: SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.kind === 'op' && t.text === '(') depth++;
    else if (t.kind === 'op' && t.text === ')') { depth--; if (depth === 0) return i; }
  }
  throw refuse('unbalanced parentheses');
}

/** Check the tokens of one SELECT (no trailing semicolon); nested sub-SELECTs recurse. Iterative over tokens. */
export function checkSelectShape(tokens: SqlToken[], nesting = 0): void {
  if (nesting > 8) throw refuse('sub-SELECTs nested more than 8 deep');
  if (upper(tokens[0]) !== 'SELECT') throw refuse(`a query must start with SELECT, got "${tokens[0]?.text.slice(0, 20) ?? ''}"`);
  let clause = 0;
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    const next = tokens[i + 1];
    if (t.kind === 'op') {
      if (t.text === ':') throw refuse('":" (a database or routine qualifier) is not allowed');
      if (t.text === '(' && upper(next) === 'SELECT') {
        const end = closing(tokens, i);
        checkSelectShape(tokens.slice(i + 1, end), nesting + 1);
        i = end;
        continue;
      }
      if (t.text === '::') {
        if (next?.kind !== 'word' || RESERVED.has(upper(next))) throw refuse('"::" must be followed by a type name');
        i++;
      }
      continue;
    }
    if (t.kind !== 'word') continue;
    const w = t.text.toUpperCase();
    const at = (CLAUSES as readonly string[]).indexOf(w);
    if (at >= 0) {
      if (i > 0 && w === 'SELECT') throw refuse('a second SELECT outside parentheses (UNION and friends are not allowed)');
      if (seen.has(w) || at < clause) throw refuse(`the ${w} clause is out of order or repeated`);
      if ((w === 'GROUP' || w === 'ORDER') && upper(next) !== 'BY') throw refuse(`${w} must be followed by BY`);
      seen.add(w);
      clause = at;
      continue;
    }
    if (EXPRESSION_WORDS.has(w)) continue;
    const isCall = next?.kind === 'op' && next.text === '(';
    if (isCall) {
      if (!FUNCTIONS.has(w)) throw refuse(`calling "${t.text}" is not allowed (only built-in functions such as count, lower, nvl, substr)`);
      continue;
    }
    if (RESERVED.has(w)) throw refuse(`"${t.text}" is not allowed in a read-only query`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text)) throw refuse(`"${t.text}" is not a plain identifier`);
  }
  if (!seen.has('FROM')) throw refuse('a query needs a FROM clause');
}
