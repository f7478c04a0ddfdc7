/**
 * @module SQL hints: CUCM's database is Informix, and agents write other dialects. Two kinds:
 * - Informix errors the node answered (`sqlErrorHint`, by the error number AXL gives as axlcode:
 *   -201 syntax, -206 no such table, -217 no such column, …), with names from the node's own
 *   catalog (systables/syscolumns) when the caller looked them up (`catalogQuery`).
 * Catalog queries are built only from names that match a plain identifier; anything else gets
 * no lookup.
 */
import { AppError } from '../../lib/errors.ts';
import type { SqlToken } from './sql-tokens.ts';
import { tokenizeSql } from './sql-tokens.ts';

const ROW_LIMITS = 'rows are limited with "select first 10 …" / "select skip 20 first 10 …" or "order by … limit 10" — or by this tool\'s limit and offset arguments';

const word = (t: SqlToken | undefined, w: string): boolean => t?.kind === 'word' && t.text.toUpperCase() === w;

/**
 * The first construct of another dialect in a statement, said with its Informix form; used to
 * explain a syntax error (-201) the node answered. Nothing is refused for it before sending:
 * what Informix accepts differs by version, the node decides.
 */
export function dialectMistake(sql: string): string | undefined {
  let tokens: SqlToken[];
  try { tokens = tokenizeSql(sql); } catch { return undefined; }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word') continue;
    const w = t.text.toUpperCase();
    if (w === 'OFFSET') return `OFFSET is not Informix: ${ROW_LIMITS}`;
    if (w === 'TOP' && i === 1) return `SELECT TOP n is SQL Server: ${ROW_LIMITS}`;
    if (w === 'FETCH' && (word(tokens[i + 1], 'FIRST') || word(tokens[i + 1], 'NEXT'))) return `FETCH FIRST … ROWS ONLY: ${ROW_LIMITS}`;
    if (w === 'ILIKE') return 'Informix has no ILIKE: compare in one case, e.g. "where lower(name) like \'sep00%\'"';
    if ((w === 'NOW' || w === 'GETDATE') && tokens[i + 1]?.text === '(') return `${w}() is not Informix: the current time is CURRENT (e.g. "where datetime < current"), the current date TODAY`;
    if (w === 'INFORMATION_SCHEMA') return 'Informix has no information_schema: tables are in systables (tabid >= 100), columns in syscolumns';
  }
  return undefined;
}

const IDENT = /^[a-z_][a-z0-9_]{0,63}$/;

/** Tables named after FROM and JOIN (plain identifiers only, lowercased, at most 8). */
export function tablesOf(sql: string): string[] {
  let tokens: SqlToken[];
  try { tokens = tokenizeSql(sql); } catch { return []; }
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (!word(tokens[i], 'FROM') && !word(tokens[i], 'JOIN')) continue;
    // FROM a x, b y, c: each comma-separated item starts with its table name.
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.kind === 'word' && IDENT.test(t.text.toLowerCase())) out.add(t.text.toLowerCase());
      else break;
      while (j + 1 < tokens.length && tokens[j + 1]!.kind === 'word' && !['WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'OUTER', 'ON', 'GROUP', 'ORDER', 'HAVING', 'UNION', 'CROSS'].includes(tokens[j + 1]!.text.toUpperCase())) j++;
      if (tokens[j + 1]?.text !== ',') break;
      j++;
    }
  }
  return [...out].slice(0, 8);
}

/** The name Informix put in parentheses in its message: "The specified table (x) …", "Column (x) not found …". */
function quotedName(message: string): string | undefined {
  // "Column (d.nme) …" names the column with its alias: the part after the dot is the column.
  const inner = /\(([A-Za-z0-9_.]{1,130})\)/.exec(message)?.[1];
  const name = inner?.split('.').pop()?.toLowerCase();
  return name !== undefined && IDENT.test(name) ? name : undefined;
}

/** What to look up in the catalog for an Informix error, as one SELECT; undefined when nothing helps. */
export function catalogQuery(code: string | undefined, message: string, sql: string): string | undefined {
  if (code === '-206') {
    const name = quotedName(message);
    if (!name) return undefined;
    const stem = name.slice(0, Math.min(4, name.length));
    return `select first 40 tabname from systables where tabid >= 100 and (tabname like '${stem}%' or tabname like '%${name.slice(-4)}%') order by tabname`;
  }
  if (code === '-217') {
    const tables = tablesOf(sql);
    if (tables.length === 0) return undefined;
    return `select first 400 t.tabname, c.colname from systables t, syscolumns c where c.tabid = t.tabid and t.tabname in (${tables.map((t) => `'${t}'`).join(', ')}) order by t.tabname, c.colno`;
  }
  return undefined;
}

export type CatalogRow = Record<string, unknown>;

/** Edit distance, bounded (names are short). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

function closest(name: string, candidates: readonly string[], n = 5): string[] {
  return [...new Set(candidates)].map((c) => [c, c.includes(name) || name.includes(c) ? 0 : distance(name, c)] as const)
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).slice(0, n).map(([c]) => c);
}

/**
 * The hint for an Informix error (axlcode) the node answered for `sql`, with catalog rows from
 * `catalogQuery` when they were fetched.
 */
export function sqlErrorHint(code: string | undefined, message: string, catalog: readonly CatalogRow[] | undefined, sql = ''): string {
  const name = quotedName(message);
  const text = (r: CatalogRow, k: string): string => String(r[k] ?? '').trim();
  if (code === '-206') {
    const found = (catalog ?? []).map((r) => text(r, 'tabname')).filter(Boolean);
    return found.length && name
      ? `no table "${name}" on this node; tables with similar names: ${closest(name, found, 8).join(', ')} (list all with: select tabname from systables where tabid >= 100)`
      : 'no such table on this node; list the tables with: select tabname from systables where tabid >= 100 (CUCM\'s Data Dictionary describes them)';
  }
  if (code === '-217') {
    const byTable = new Map<string, string[]>();
    for (const r of catalog ?? []) { const t = text(r, 'tabname'); if (t) byTable.set(t, [...(byTable.get(t) ?? []), text(r, 'colname')]); }
    if (!name || byTable.size === 0) return 'no such column in the tables of this query; list a table\'s columns with: select c.colname from systables t, syscolumns c where c.tabid = t.tabid and t.tabname = \'device\'';
    const all = [...byTable.values()].flat();
    const cols = [...byTable].map(([t, c]) => `${t}: ${c.slice(0, 60).join(', ')}${c.length > 60 ? ', …' : ''}`).join('; ');
    return `no column "${name}" in ${[...byTable.keys()].join(', ')}; did you mean ${closest(name, all, 3).join(', ')}? Columns — ${cols}. References to other tables are fk<table> columns holding its pkid (e.g. device.fkdevicepool = devicepool.pkid), enumerations tk<type> (e.g. device.tkmodel = typemodel.enum)`;
  }
  if (code === '-201') {
    const mistake = dialectMistake(sql);
    return `${mistake ? `${mistake}. ` : ''}Informix syntax error. Common differences: ${ROW_LIMITS}; strings in single quotes; lower(x) like 'a%' instead of ILIKE; CURRENT instead of NOW(); table aliases without AS ("from device d")`;
  }
  if (code === '-324') return 'a column name is ambiguous: prefix it with its table or alias (d.name)';
  if (code === '-236' || code === '-203') return 'the number or type of values does not fit the columns: check the column list';
  if (code === '-1262' || code === '-1263' || code === '-1264') return 'a date/time value is not in Informix form: write datetime literals as \'2026-12-01 10:00:00\' or compare with CURRENT';
  return `the node refused the SQL (Informix error ${code ?? 'without a number'}); check table and column names (systables, syscolumns) and Informix syntax`;
}

/** Is this the node's answer to bad SQL (a SOAP fault carrying an Informix error number)? */
export function isSqlFault(err: unknown): err is AppError {
  return err instanceof AppError && err.upstream?.reason === 'soap_fault' && /^-\d{1,5}$/.test(err.upstream.cisco_code ?? '');
}
