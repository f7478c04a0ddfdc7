/**
 * @module Change control for executeSQLUpdate (cucm_sql_update, or executeSQLUpdate through the
 * generic AXL tool). Parsed on tokens, never by string search: UPDATE <table> SET col = literal, …
 * [WHERE …] and DELETE FROM <table> [WHERE …]. Before-image: SELECT FIRST 101 * FROM <table>
 * WHERE <the same condition>, checked by checkSelect like any agent query, so the SELECT adds no
 * surface the UPDATE did not have. Undo (UPDATE only, when every matched row had the same old
 * values): one UPDATE … SET back WHERE pkid IN (…), built from quoted literals. INSERT and DELETE,
 * and UPDATEs that set expressions, have no undo and say so.
 */
import { AppError } from '../../lib/errors.ts';
import { tokenizeSql } from '../../cisco/axl/sql-tokens.ts';
import type { SqlToken } from '../../cisco/axl/sql-tokens.ts';
import { checkSelect, checkUpdate } from '../../cisco/axl/sql-check.ts';
import { xList, xObj } from '../../lib/xsd/xvalue.ts';
import type { FieldDiff, Image } from '../../changes/change-record.ts';
import { canonicalJson } from '../../changes/change-record.ts';
import { quoteValue } from '../../changes/change-text.ts';
import type { ToolContext } from '../tool-definition.ts';
import type { CiscoServices } from '../tools/cisco-services.ts';
import { loginFor } from '../tools/tool-result.ts';
import type { ChangeAdapter, ChangeFacts, PlannedChange, Verdict } from './change-adapter.ts';
import { plainValue } from './change-adapter.ts';

/** Rows kept in a before-image; more makes the change irreversible (and the plan says so). */
export const MAX_BEFORE_ROWS = 100;

export interface ParsedSqlWrite {
  verb: 'UPDATE' | 'DELETE' | 'INSERT';
  table?: string;
  /** Column → literal value (null for NULL); undefined when the value is an expression. */
  set?: Record<string, string | null | undefined>;
  /** Text of the WHERE condition (as the agent wrote it), or undefined for every row. */
  where?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function literal(t: SqlToken | undefined): string | null | undefined {
  if (!t) return undefined;
  if (t.kind === 'string') return t.text.slice(1, -1).replaceAll(t.text[0]! + t.text[0]!, t.text[0]!);
  if (t.kind === 'number') return t.text;
  if (t.kind === 'word' && t.text.toUpperCase() === 'NULL') return null;
  return undefined;
}

/** Parse the statement checkUpdate accepted; throws nothing for shapes it does not know (verb only). */
export function parseSqlWrite(sql: string): ParsedSqlWrite {
  const text = checkUpdate(sql);
  const tokens = tokenizeSql(text).filter((t) => t.kind !== 'semicolon');
  const verb = tokens[0]!.text.toUpperCase() as ParsedSqlWrite['verb'];
  const word = (i: number): string => (tokens[i]?.kind === 'word' ? tokens[i]!.text.toUpperCase() : '');
  const whereAt = tokens.findIndex((t, i) => i > 0 && t.kind === 'word' && t.text.toUpperCase() === 'WHERE');
  const where = whereAt > 0 ? text.slice(tokens[whereAt]!.end).trim() : undefined;
  if (verb === 'DELETE') {
    const t = word(1) === 'FROM' ? tokens[2] : tokens[1];
    return t?.kind === 'word' && IDENT.test(t.text) ? { verb, table: t.text.toLowerCase(), ...(where !== undefined ? { where } : {}) } : { verb };
  }
  if (verb !== 'UPDATE') return { verb };
  const table = tokens[1];
  if (table?.kind !== 'word' || !IDENT.test(table.text) || word(2) !== 'SET') return { verb };
  const set: Record<string, string | null | undefined> = {};
  const end = whereAt > 0 ? whereAt : tokens.length;
  let i = 3;
  while (i < end) {
    const col = tokens[i];
    if (col?.kind !== 'word' || !IDENT.test(col.text) || tokens[i + 1]?.text !== '=') return { verb, table: table.text.toLowerCase() };
    let j = i + 2;
    let depth = 0;
    while (j < end && !(depth === 0 && tokens[j]!.text === ',')) { if (tokens[j]!.text === '(') depth++; if (tokens[j]!.text === ')') depth--; j++; }
    set[col.text.toLowerCase()] = j === i + 3 ? literal(tokens[i + 2]) : undefined;
    i = j + 1;
  }
  return { verb, table: table.text.toLowerCase(), set, ...(where !== undefined ? { where } : {}) };
}

/** An Informix string literal for a value read from the node ('' doubles a quote). */
export function sqlLiteral(v: string | null): string {
  return v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`;
}

interface SqlProbe { select: string; table: string; set?: Record<string, string | null | undefined>; pkids: string[] }

type Row = Record<string, string>;

function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => (a.pkid ?? canonicalJson(a)).localeCompare(b.pkid ?? canonicalJson(b)));
}

export function sqlChange(s: CiscoServices): ChangeAdapter {
  async function query(request: Record<string, unknown>, sql: string, ctx: ToolContext): Promise<Row[]> {
    const node = s.registry.resolve(String(request.node), { products: ['cucm'], clusterToPublisher: true });
    const login = await loginFor(s, ctx.principal.clientName, node);
    const r = await s.axl.cucm.call({ node, login, operation: 'executeSQLQuery', args: { sql: checkSelect(sql).sql }, signal: ctx.signal });
    return xList(xObj(r.result)?.row).map((x) => plainValue(x) as Row);
  }
  const sqlOf = (args: Record<string, unknown>): string => String(args.sql ?? (args.args as { sql?: unknown } | undefined)?.sql ?? '');
  const byPkid = (p: SqlProbe): string => `SELECT * FROM ${p.table} WHERE pkid IN (${p.pkids.map(sqlLiteral).join(', ')})`;

  return {
    async plan(args, ctx): Promise<PlannedChange> {
      const parsed = parseSqlWrite(sqlOf(args));
      if (parsed.verb === 'INSERT' || !parsed.table) {
        return { object: parsed.table ? `table ${quoteValue(parsed.table)}` : '(SQL)', before: undefined, diff: [], reversible: false, irreversibleReason: parsed.verb === 'INSERT' ? 'an INSERT has no before-image; delete the row by hand to undo it' : 'the statement\'s shape is not one aibridge can read back' };
      }
      const select = `SELECT FIRST ${MAX_BEFORE_ROWS + 1} * FROM ${parsed.table}${parsed.where !== undefined ? ` WHERE ${parsed.where}` : ''}`;
      const rows = sortRows(await query(args, select, ctx));
      const capped = rows.length > MAX_BEFORE_ROWS;
      const kept = rows.slice(0, MAX_BEFORE_ROWS);
      const before: Image = { exists: kept.length > 0, data: kept };
      const label = (r: Row): string => r.name ?? r.dnorpattern ?? r.userid ?? r.pkid ?? '?';
      const diff: FieldDiff[] = [];
      if (parsed.verb === 'DELETE') for (const r of kept.slice(0, 20)) diff.push({ field: `row ${label(r)}`, before: 'exists', after: 'deleted' });
      else for (const r of kept.slice(0, 20)) for (const [col, v] of Object.entries(parsed.set ?? {})) diff.push({ field: `${label(r)}.${col}`, before: r[col], after: v === undefined ? '(expression)' : v });
      const probe: SqlProbe = { select, table: parsed.table, ...(parsed.set ? { set: parsed.set } : {}), pkids: kept.map((r) => r.pkid).filter((p): p is string => typeof p === 'string') };
      const object = `${kept.length}${capped ? '+' : ''} row(s) of table ${quoteValue(parsed.table)}`;
      const why = capped ? `more than ${MAX_BEFORE_ROWS} rows match, so the before-image is incomplete`
        : parsed.verb === 'DELETE' ? 'deleted rows are not re-inserted by aibridge'
        : !parsed.set || Object.values(parsed.set).some((v) => v === undefined) ? 'the statement sets an expression, not a literal'
        : probe.pkids.length !== kept.length ? 'the table has no pkid column to address the rows again'
        : !sameOldValues(kept, Object.keys(parsed.set)) ? 'the matched rows had different old values' : undefined;
      return { object, before, diff, reversible: why === undefined && kept.length > 0, ...(why ? { irreversibleReason: why } : {}), probe };
    },

    async read(c: ChangeFacts, phase, ctx): Promise<Image | undefined> {
      const p = c.probe as SqlProbe | undefined;
      if (!p) return undefined;
      const sql = phase === 'apply' || p.pkids.length === 0 ? p.select : byPkid(p);
      const rows = sortRows(await query(c.request, sql, ctx)).slice(0, MAX_BEFORE_ROWS);
      return { exists: rows.length > 0, data: rows };
    },

    async verify(c: ChangeFacts, ctx): Promise<Verdict> {
      const p = c.probe as SqlProbe | undefined;
      if (!p || p.pkids.length === 0) return { ok: true, after: undefined };
      const rows = sortRows(await query(c.request, byPkid(p), ctx));
      const after: Image = { exists: rows.length > 0, data: rows };
      if (!p.set) return rows.length === 0 ? { ok: true, after } : { ok: false, after, reason: `${rows.length} row(s) still exist after DELETE` };
      const bad = rows.flatMap((r) => Object.entries(p.set!).filter(([col, v]) => v !== undefined && (r[col] ?? null) !== v && !(v === null && r[col] === '')).map(([col]) => col));
      return bad.length ? { ok: false, after, reason: `read-back differs in ${[...new Set(bad)].join(', ')}` } : { ok: true, after };
    },

    revert(c: ChangeFacts): Record<string, unknown> {
      const p = c.probe as SqlProbe;
      const rows = (c.before?.data ?? []) as Row[];
      if (!p?.set || rows.length === 0) throw new AppError('E_INPUT_INVALID', 'this SQL change has no undo');
      const first = rows[0]!;
      const sets = Object.keys(p.set).map((col) => `${col} = ${sqlLiteral(first[col] ?? null)}`).join(', ');
      const sql = `UPDATE ${p.table} SET ${sets} WHERE pkid IN (${p.pkids.map(sqlLiteral).join(', ')})`;
      return 'sql' in c.request ? { ...c.request, sql } : { ...c.request, args: { sql } };
    },
  };
}

function sameOldValues(rows: Row[], cols: string[]): boolean {
  return rows.every((r) => cols.every((c) => (r[c] ?? null) === (rows[0]![c] ?? null)));
}
