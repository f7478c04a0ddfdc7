/**
 * @module Execute parsed SQL over the lab tables with Informix's error texts (-201 syntax, -206 no
 * table, -217 no column). Joins on `a.x = b.y` use a hash join, so 50,000-row joins stay fast.
 */
import type { Expr, SelectStmt, Statement } from './sql-parse.ts';
import { SqlError, parseSql } from './sql-parse.ts';
import type { Row, SqlValue } from './sql-tables.ts';
import { ROW_SOURCE, TABLES } from './sql-tables.ts';
import type { LabData } from '../lab-data.ts';
import { xText } from '../../lib/xsd/xvalue.ts';

export interface QueryResult { columns: string[]; rows: SqlValue[][] }

/** A joined row: alias → table row (undefined for a LEFT JOIN miss). */
type Ctx = Map<string, Row | undefined>;

function noTable(name: string): SqlError {
  return new SqlError(-206, `The specified table (${name}) is not in the database.`);
}
function noColumn(name: string): SqlError {
  return new SqlError(-217, `Column (${name}) not found in any table in the query (or SLV is undefined).`);
}

function table(name: string): (typeof TABLES)[string] {
  const t = TABLES[name];
  if (!t) throw noTable(name);
  return t;
}

/** Table rows are rebuilt only when the store changed since the last query. */
const ROW_CACHE = new WeakMap<LabData, { revision: number; tables: Map<string, Row[]> }>();

function rowsOf(name: string, data: LabData): Row[] {
  let c = ROW_CACHE.get(data);
  if (!c || c.revision !== data.axl.revision) { c = { revision: data.axl.revision, tables: new Map() }; ROW_CACHE.set(data, c); }
  let rows = c.tables.get(name);
  if (!rows) { rows = table(name).rows(data); c.tables.set(name, rows); }
  return rows;
}

function colValue(ctx: Ctx, aliases: Map<string, string[]>, e: { table?: string; name: string }): SqlValue {
  if (e.table) {
    const cols = aliases.get(e.table);
    if (!cols || !cols.includes(e.name)) throw noColumn(`${e.table}.${e.name}`);
    return ctx.get(e.table)?.[e.name] ?? null;
  }
  for (const [alias, cols] of aliases) if (cols.includes(e.name)) return ctx.get(alias)?.[e.name] ?? null;
  throw noColumn(e.name);
}

function likeRe(pattern: string, matches: boolean): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (!matches && ch === '%') src += '.*';
    else if (!matches && ch === '_') src += '.';
    else if (matches && ch === '*') src += '.*';
    else if (matches && ch === '?') src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  // eslint-disable-next-line security/detect-non-literal-regexp -- lab simulator only: a LIKE / wildcard pattern with every other character escaped
  return new RegExp(`^${src}$`, 's');
}

function cmp(a: SqlValue, b: SqlValue): number {
  if (a === null || b === null) return NaN;
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function evaluate(e: Expr, ctx: Ctx, aliases: Map<string, string[]>): SqlValue | boolean {
  switch (e.t) {
    case 'lit': return e.v === null ? null : String(e.v);
    case 'col': return colValue(ctx, aliases, e);
    case 'star': throw new SqlError(-201, 'A syntax error has occurred.');
    case 'not': return !truthy(evaluate(e.a, ctx, aliases));
    case 'isnull': { const v = evaluate(e.a, ctx, aliases); return (v === null || v === '') !== e.neg; }
    case 'in': { const v = evaluate(e.a, ctx, aliases); const hit = e.list.some((x) => cmp(v as SqlValue, evaluate(x, ctx, aliases) as SqlValue) === 0); return hit !== e.neg; }
    case 'like': {
      const v = evaluate(e.a, ctx, aliases);
      const p = evaluate(e.b, ctx, aliases);
      if (v === null || p === null) return false;
      return likeRe(String(p), e.matches).test(String(v)) !== e.neg;
    }
    case 'fn': {
      const args = e.args.map((a) => evaluate(a, ctx, aliases));
      if (e.name === 'lower') return args[0] === null ? null : String(args[0]).toLowerCase();
      if (e.name === 'upper') return args[0] === null ? null : String(args[0]).toUpperCase();
      if (e.name === 'trim') return args[0] === null ? null : String(args[0]).trim();
      if (e.name === 'length' || e.name === 'char_length') return args[0] === null ? null : String(String(args[0]).length);
      throw new SqlError(-674, `Routine (${e.name}) can not be resolved.`);
    }
    case 'bin': {
      if (e.op === 'and') return truthy(evaluate(e.a, ctx, aliases)) && truthy(evaluate(e.b, ctx, aliases));
      if (e.op === 'or') return truthy(evaluate(e.a, ctx, aliases)) || truthy(evaluate(e.b, ctx, aliases));
      const a = evaluate(e.a, ctx, aliases) as SqlValue;
      const b = evaluate(e.b, ctx, aliases) as SqlValue;
      if (e.op === '||') return a === null || b === null ? null : a + b;
      if (e.op === '+' || e.op === '-') return a === null || b === null ? null : String(e.op === '+' ? Number(a) + Number(b) : Number(a) - Number(b));
      const c = cmp(a, b);
      if (Number.isNaN(c)) return false;
      return e.op === '=' ? c === 0 : e.op === '<>' ? c !== 0 : e.op === '<' ? c < 0 : e.op === '>' ? c > 0 : e.op === '<=' ? c <= 0 : c >= 0;
    }
  }
}

function truthy(v: SqlValue | boolean): boolean {
  return v === true || (typeof v === 'string' && v !== '' && v !== '0' && v !== 'f');
}

function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  return e.t === 'bin' && e.op === 'and' ? [...conjuncts(e.a), ...conjuncts(e.b)] : [e];
}

/** For `x.c = y.d` linking the new alias to an earlier one: [newCol, otherAlias, otherCol]. */
function equiJoin(conds: Expr[], alias: string, joined: Set<string>): [string, string, string] | undefined {
  for (const c of conds) {
    if (c.t !== 'bin' || c.op !== '=' || c.a.t !== 'col' || c.b.t !== 'col' || !c.a.table || !c.b.table) continue;
    if (c.a.table === alias && joined.has(c.b.table)) return [c.a.name, c.b.table, c.b.name];
    if (c.b.table === alias && joined.has(c.a.table)) return [c.b.name, c.a.table, c.a.name];
  }
  return undefined;
}

function joinRows(s: SelectStmt, data: LabData, aliases: Map<string, string[]>): Ctx[] {
  let ctxs: Ctx[] = [new Map()];
  const whereConds = conjuncts(s.where);
  const joined = new Set<string>();
  for (const ref of s.from) {
    const rows = rowsOf(ref.table, data);
    const conds = ref.on ? conjuncts(ref.on) : whereConds;
    const eq = joined.size > 0 ? equiJoin(conds, ref.alias, joined) : undefined;
    const next: Ctx[] = [];
    let index: Map<string, Row[]> | undefined;
    if (eq) {
      index = new Map();
      for (const r of rows) { const k = r[eq[0]]; if (k !== null && k !== undefined) { const l = index.get(k); if (l) l.push(r); else index.set(k, [r]); } }
    }
    for (const ctx of ctxs) {
      const cands = eq && index ? index.get(ctx.get(eq[1])?.[eq[2]] ?? '\u0000') ?? [] : rows;
      let hit = false;
      for (const r of cands) {
        const c = new Map(ctx).set(ref.alias, r);
        if (ref.on && !truthy(evaluate(ref.on, c, aliases))) continue;
        hit = true;
        next.push(c);
      }
      if (!hit && ref.join === 'left') next.push(new Map(ctx).set(ref.alias, undefined));
    }
    ctxs = next;
    joined.add(ref.alias);
  }
  return s.where ? ctxs.filter((c) => truthy(evaluate(s.where!, c, aliases))) : ctxs;
}

/**
 * GROUP BY: one row per distinct key; each item is a grouped expression or count(*) (Informix
 * -294 "The column must be in the GROUP BY list" otherwise). Ordered by ORDER BY when given.
 */
function grouped(s: SelectStmt, ctxs: Ctx[], aliases: Map<string, string[]>): QueryResult {
  const keyOf = (c: Ctx): SqlValue[] => s.groupBy.map((g) => evaluate(g, c, aliases) as SqlValue);
  const same = (a: Expr, b: Expr): boolean => JSON.stringify(a) === JSON.stringify(b) || (a.t === 'col' && b.t === 'col' && a.name === b.name && (!a.table || !b.table || a.table === b.table));
  const groups = new Map<string, { key: SqlValue[]; count: number; first: Ctx }>();
  for (const c of ctxs) {
    const key = keyOf(c);
    const k = JSON.stringify(key);
    const g = groups.get(k);
    if (g) g.count++; else groups.set(k, { key, count: 1, first: c });
  }
  const columns: string[] = [];
  const getters: Array<(g: { key: SqlValue[]; count: number; first: Ctx }) => SqlValue> = [];
  for (const item of s.items) {
    const e = item.expr;
    if (e.t === 'fn' && e.name === 'count') { columns.push(item.label ?? 'count'); getters.push((g) => String(g.count)); continue; }
    const at = s.groupBy.findIndex((gb) => same(gb, e));
    if (at < 0) throw new SqlError(-294, 'The column must be in the GROUP BY list.');
    columns.push(item.label ?? (e.t === 'col' ? e.name : 'expression'));
    getters.push((g) => g.key[at] ?? null);
  }
  let list = [...groups.values()];
  if (s.orderBy.length > 0) {
    const val = (g: (typeof list)[number], o: { expr: Expr }): SqlValue => {
      const e = o.expr;
      if (e.t === 'fn' && e.name === 'count') return String(g.count);
      if (e.t === 'lit' && typeof e.v === 'number') return getters[e.v - 1]?.(g) ?? null;
      const at = s.groupBy.findIndex((gb) => same(gb, e));
      return at >= 0 ? g.key[at] ?? null : (evaluate(e, g.first, aliases) as SqlValue);
    };
    list.sort((x, y) => { for (const o of s.orderBy) { const d = cmpCount(val(x, o), val(y, o)); if (d !== 0) return o.desc ? -d : d; } return 0; });
  }
  list = list.slice(s.skip, s.first === undefined ? undefined : s.skip + s.first);
  return { columns, rows: list.map((g) => getters.map((get) => get(g))) };
}

/** Counts compare as numbers, everything else as the SQL comparison does. */
function cmpCount(a: SqlValue, b: SqlValue): number {
  if (typeof a === 'string' && typeof b === 'string' && /^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return cmp(a, b) || 0;
}

function select(s: SelectStmt, data: LabData): QueryResult {
  const aliases = new Map<string, string[]>();
  for (const ref of s.from) aliases.set(ref.alias, table(ref.table).columns);
  let ctxs = joinRows(s, data, aliases);
  const isCount = (e: Expr): boolean => e.t === 'fn' && e.name === 'count';
  if (s.groupBy.length > 0) return grouped(s, ctxs, aliases);
  if (s.items.length === 1 && isCount(s.items[0]!.expr)) return { columns: [s.items[0]!.label ?? 'count'], rows: [[String(ctxs.length)]] };
  if (s.orderBy.length > 0) {
    const keyed = ctxs.map((c) => ({ c, k: s.orderBy.map((o) => evaluate(o.expr, c, aliases) as SqlValue) }));
    keyed.sort((x, y) => { for (let i = 0; i < s.orderBy.length; i++) { const d = cmp(x.k[i]!, y.k[i]!) || 0; if (d !== 0) return s.orderBy[i]!.desc ? -d : d; } return 0; });
    ctxs = keyed.map((x) => x.c);
  }
  const columns: string[] = [];
  const getters: ((c: Ctx) => SqlValue)[] = [];
  for (const item of s.items) {
    const e = item.expr;
    if (e.t === 'star') {
      for (const [alias, cols] of aliases) if (!e.table || e.table === alias) for (const col of cols) { columns.push(col); getters.push((c) => c.get(alias)?.[col] ?? null); }
      if (e.table && !aliases.has(e.table)) throw noTable(e.table);
    } else {
      columns.push(item.label ?? (e.t === 'col' ? e.name : 'expression'));
      getters.push((c) => { const v = evaluate(e, c, aliases); return typeof v === 'boolean' ? (v ? 't' : 'f') : v; });
    }
  }
  let rows = ctxs.slice(s.skip, s.first === undefined ? undefined : s.skip + s.first).map((c) => getters.map((g) => g(c)));
  if (s.distinct) { const seen = new Set<string>(); rows = rows.filter((r) => { const k = JSON.stringify(r); if (seen.has(k)) return false; seen.add(k); return true; }); }
  return { columns, rows };
}

function write(stmt: Exclude<Statement, SelectStmt>, data: LabData): number {
  if (stmt.kind === 'insert') throw new SqlError(-271, `Could not insert new row into the table.`);
  const t = table(stmt.table);
  const aliases = new Map([[stmt.table, t.columns]]);
  const rows = rowsOf(stmt.table, data).filter((r) => !stmt.where || truthy(evaluate(stmt.where, new Map([[stmt.table, r]]), aliases)));
  if (stmt.kind === 'update') {
    for (const [col] of stmt.set) {
      if (!t.columns.includes(col)) throw noColumn(col);
      if (!t.writable?.fields[col]) throw new SqlError(-273, `No UPDATE permission.`);
    }
  } else if (!t.writable) throw new SqlError(-274, `No DELETE permission.`);
  for (const r of rows) {
    const src = ROW_SOURCE.get(r);
    if (!src) continue;
    if (stmt.kind === 'delete') { data.axl.remove(src.kind, src.obj); if (src.kind === 'Phone') data.registrations.delete(xText(src.obj.name).toUpperCase()); continue; }
    const oldKey = data.axl.keyOf(src.kind, src.obj);
    for (const [col, e] of stmt.set) {
      const v = evaluate(e, new Map([[stmt.table, r]]), aliases);
      src.obj[t.writable!.fields[col]!] = v === null || typeof v === 'boolean' ? '' : v;
    }
    if (!data.axl.rekey(src.kind, src.obj, oldKey)) throw new SqlError(-239, 'Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:).');
  }
  return rows.length;
}

/** Run a SELECT (executeSQLQuery, `run sql`). */
export function runQuery(sql: string, data: LabData): QueryResult {
  const stmt = parseSql(sql);
  if (stmt.kind !== 'select') throw new SqlError(-201, 'A syntax error has occurred.');
  return select(stmt, data);
}

/** Run an UPDATE/DELETE/INSERT (executeSQLUpdate); returns rows affected. */
export function runUpdate(sql: string, data: LabData): number {
  const stmt = parseSql(sql);
  if (stmt.kind === 'select') throw new SqlError(-201, 'A syntax error has occurred.');
  return write(stmt, data);
}

/** Either kind (the CLI's `run sql`). */
export function runStatement(sql: string, data: LabData): QueryResult | number {
  const stmt = parseSql(sql);
  return stmt.kind === 'select' ? select(stmt, data) : write(stmt, data);
}
