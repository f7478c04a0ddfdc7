/**
 * @module What SQL each AXL SQL tool may send, decided on tokens (sql-tokens.ts), not regexes:
 * executeSQLQuery and executeSQLQueryInactive get exactly one SELECT of the allowed shape
 * (sql-shape.ts: an allowlist of clauses and functions, no comments); executeSQLUpdate gets
 * exactly one INSERT, UPDATE or DELETE. Rule (issue #12 item 7): every AXL operation that carries
 * SQL is in SQL_OPERATIONS and goes through `checkSqlOperation`; an operation whose name mentions
 * SQL but is not listed is refused (fail closed for operations a future schema adds).
 */
import { AppError } from '../../lib/errors.ts';
import { tokenizeSql } from './sql-tokens.ts';
import type { SqlToken } from './sql-tokens.ts';
import { checkSelectShape } from './sql-shape.ts';

/** Every AXL operation whose request carries an `sql` element, and the check it gets. */
export const SQL_OPERATIONS: ReadonlyMap<string, 'select' | 'update'> = new Map([
  ['executeSQLQuery', 'select'], ['executeSQLQueryInactive', 'select'], ['executeSQLUpdate', 'update'],
]);

/** The one gate for SQL in AXL arguments; returns the kind of SQL the operation carries, if any. */
export function checkSqlOperation(operation: string, args: Record<string, unknown>): 'select' | 'update' | undefined {
  const kind = SQL_OPERATIONS.get(operation);
  if (!kind) {
    if (/sql/i.test(operation)) throw new AppError('E_FORBIDDEN', `Refused: the AXL operation "${operation}" carries SQL that aibridge does not know how to check`, { hint: 'use executeSQLQuery (cucm_sql_query) or executeSQLUpdate (cucm_sql_update)' });
    return undefined;
  }
  const sql = args.sql;
  if (typeof sql !== 'string') throw new AppError('E_INPUT_INVALID', `${operation} needs args.sql as a string`, { hint: 'e.g. {"sql":"select name from device"}' });
  if (kind === 'select') checkSelect(sql); else checkUpdate(sql);
  return kind;
}

export const MAX_SQL_LENGTH = 8000;

/** Words that write, call code, touch files or change the session: never allowed in a query. */
const WRITE_WORDS = new Set(['INTO', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'DROP', 'CREATE', 'ALTER', 'RENAME', 'TRUNCATE',
  'GRANT', 'REVOKE', 'EXECUTE', 'EXEC', 'CALL', 'PROCEDURE', 'FUNCTION', 'ROUTINE', 'SYSTEM', 'LOAD', 'UNLOAD', 'LOCK', 'UNLOCK',
  'SET', 'DATABASE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'LOTOFILE', 'FILETOBLOB', 'FILETOCLOB', 'OUTPUT', 'TRIGGER']);

function refuse(message: string, hint: string): AppError {
  return new AppError('E_FORBIDDEN', `Refused SQL: ${message}`, { hint });
}

/** Tokens of one statement: no comments, at most one trailing semicolon (dropped). */
function oneStatement(sql: string): SqlToken[] {
  if (sql.length > MAX_SQL_LENGTH) throw refuse(`longer than ${MAX_SQL_LENGTH} characters`, 'shorten the statement');
  const tokens = tokenizeSql(sql);
  if (tokens.some((t) => t.kind === 'comment')) throw refuse('comments (--, /* */, { }) are not allowed', 'remove the comment');
  if (tokens[tokens.length - 1]?.kind === 'semicolon') tokens.pop();
  if (tokens.some((t) => t.kind === 'semicolon')) throw refuse('more than one statement (";" outside a string)', 'send one statement per call');
  if (tokens.length === 0) throw refuse('the statement is empty', 'send a SELECT statement');
  return tokens;
}

export interface CheckedQuery {
  sql: string;
  /** True when the statement already limits its rows (SKIP/FIRST/LIMIT after SELECT, or a LIMIT at the end). */
  hasRowLimit: boolean;
}

/** One read-only SELECT; throws E_FORBIDDEN (a policy refusal, audited as denied) saying why not. */
export function checkSelect(sql: string): CheckedQuery {
  const tokens = oneStatement(sql.trim());
  const first = tokens[0]!;
  if (first.kind !== 'word' || first.text.toUpperCase() !== 'SELECT') {
    throw refuse(`only SELECT is allowed here, got "${first.text.slice(0, 20)}"`, 'changes go through cucm_sql_update (profiles that allow executeSQLUpdate) or AXL add/update operations');
  }
  for (const t of tokens) {
    if (t.kind === 'word' && WRITE_WORDS.has(t.text.toUpperCase())) {
      throw refuse(`"${t.text}" is not allowed in a read-only query`, 'write a plain SELECT (no INTO, procedure calls, file functions or SET)');
    }
  }
  checkSelectShape(tokens);
  const second = tokens[1];
  // Informix limits rows after SELECT (SKIP/FIRST/LIMIT) or with a LIMIT at the end ("order by … limit n").
  const last2 = tokens[tokens.length - 2];
  const trailingLimit = last2?.kind === 'word' && last2.text.toUpperCase() === 'LIMIT' && tokens[tokens.length - 1]?.kind === 'number';
  const hasRowLimit = trailingLimit || (second?.kind === 'word' && ['SKIP', 'FIRST', 'LIMIT'].includes(second.text.toUpperCase()));
  return { sql: sql.trim().replace(/;\s*$/, ''), hasRowLimit };
}

/** Add `SKIP offset FIRST count` right after SELECT (Informix row limiting). */
export function withRowWindow(checked: CheckedQuery, offset: number, count: number): string {
  if (checked.hasRowLimit) return checked.sql;
  const at = checked.sql.search(/select/i) + 6;
  const window = `${offset > 0 ? ` SKIP ${Math.trunc(offset)}` : ''} FIRST ${Math.trunc(count)}`;
  return `${checked.sql.slice(0, at)}${window}${checked.sql.slice(at)}`;
}

/** One INSERT, UPDATE or DELETE. */
export function checkUpdate(sql: string): string {
  const tokens = oneStatement(sql.trim());
  const verb = tokens[0]!.text.toUpperCase();
  if (!['INSERT', 'UPDATE', 'DELETE'].includes(verb)) throw refuse(`executeSQLUpdate takes one INSERT, UPDATE or DELETE, got "${tokens[0]!.text.slice(0, 20)}"`, 'use cucm_sql_query for SELECT; DDL is not allowed');
  for (const t of tokens.slice(1)) {
    const w = t.text.toUpperCase();
    if (t.kind === 'word' && ['DROP', 'CREATE', 'ALTER', 'GRANT', 'REVOKE', 'EXECUTE', 'CALL', 'SYSTEM', 'LOTOFILE', 'FILETOBLOB', 'FILETOCLOB', 'DATABASE', 'TRUNCATE', 'SYSADMIN', 'TASK', 'ADMIN'].includes(w)) {
      throw refuse(`"${t.text}" is not allowed`, 'send a plain INSERT, UPDATE or DELETE');
    }
    if (t.kind === 'op' && t.text === ':') throw refuse('":" (a database or routine qualifier) is not allowed', 'send a plain INSERT, UPDATE or DELETE');
  }
  return sql.trim().replace(/;\s*$/, '');
}
