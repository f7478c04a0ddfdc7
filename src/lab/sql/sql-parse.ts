/**
 * @module A parser for the Informix SQL that AXL clients send: SELECT [SKIP n] [FIRST n|LIMIT n]
 * [DISTINCT] … FROM t [alias] [, t2 | [INNER|LEFT [OUTER]] JOIN t2 ON …] [WHERE …] [GROUP BY …] [ORDER BY …]
 * [SKIP n] [LIMIT n], UPDATE … SET … [WHERE …] and DELETE FROM … [WHERE …].
 */

export class SqlError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'SqlError';
    this.code = code;
  }
}

export const SYNTAX_ERROR = (): SqlError => new SqlError(-201, 'A syntax error has occurred.');

export type Expr =
  | { t: 'lit'; v: string | number | null }
  | { t: 'col'; table?: string; name: string }
  | { t: 'star'; table?: string }
  | { t: 'bin'; op: string; a: Expr; b: Expr }
  | { t: 'not'; a: Expr }
  | { t: 'isnull'; a: Expr; neg: boolean }
  | { t: 'in'; a: Expr; list: Expr[]; neg: boolean }
  | { t: 'like'; a: Expr; b: Expr; neg: boolean; matches: boolean }
  | { t: 'fn'; name: string; args: Expr[] };

export interface TableRef { table: string; alias: string; join: 'from' | 'inner' | 'left'; on?: Expr }
export interface SelectItem { expr: Expr; label?: string }
export interface SelectStmt {
  kind: 'select'; distinct: boolean; skip: number; first?: number; items: SelectItem[];
  from: TableRef[]; where?: Expr; orderBy: { expr: Expr; desc: boolean }[];
  /** GROUP BY expressions (count(*) per group, as Cisco's documented queries use). */
  groupBy: Expr[];
}
export interface UpdateStmt { kind: 'update'; table: string; set: [string, Expr][]; where?: Expr }
export interface DeleteStmt { kind: 'delete'; table: string; where?: Expr }
export interface InsertStmt { kind: 'insert'; table: string; columns: string[]; values: Expr[] }
export type Statement = SelectStmt | UpdateStmt | DeleteStmt | InsertStmt;

type Tok = { k: 'id' | 'num' | 'str' | 'op'; v: string };

function lex(sql: string): Tok[] {
  const out: Tok[] = [];
  // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_$]*)|(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(<>|!=|<=|>=|\|\||[=<>(),.*+\-/;]))/y;
  let pos = 0;
  while (pos < sql.length) {
    if (/^\s*$/.test(sql.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(sql);
    if (!m) throw SYNTAX_ERROR();
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ k: 'id', v: m[1] });
    else if (m[2] !== undefined) out.push({ k: 'num', v: m[2] });
    else if (m[3] !== undefined) out.push({ k: 'str', v: m[3].replace(/''/g, "'") });
    else if (m[4] !== undefined) out.push({ k: 'str', v: m[4].replace(/""/g, '"') });
    else out.push({ k: 'op', v: m[5]! });
  }
  while (out.length > 0 && out[out.length - 1]!.v === ';') out.pop();
  return out;
}

const RESERVED = new Set(['select', 'from', 'where', 'and', 'or', 'not', 'order', 'by', 'join', 'inner', 'left', 'outer', 'on', 'skip', 'first', 'limit', 'like', 'matches', 'in', 'is', 'null', 'as', 'asc', 'desc', 'set', 'update', 'delete', 'distinct', 'insert', 'into', 'values', 'group', 'union']);

class Parser {
  #t: Tok[];
  #i = 0;
  constructor(t: Tok[]) { this.#t = t; }
  peek(o = 0): Tok | undefined { return this.#t[this.#i + o]; }
  isKw(w: string, o = 0): boolean { const t = this.peek(o); return t?.k === 'id' && t.v.toLowerCase() === w; }
  isOp(v: string): boolean { const t = this.peek(); return t?.k === 'op' && t.v === v; }
  eatKw(w: string): boolean { if (this.isKw(w)) { this.#i++; return true; } return false; }
  eatOp(v: string): boolean { if (this.isOp(v)) { this.#i++; return true; } return false; }
  kw(w: string): void { if (!this.eatKw(w)) throw SYNTAX_ERROR(); }
  op(v: string): void { if (!this.eatOp(v)) throw SYNTAX_ERROR(); }
  done(): boolean { return this.#i >= this.#t.length; }
  ident(): string {
    const t = this.peek();
    if (t?.k !== 'id' || RESERVED.has(t.v.toLowerCase())) throw SYNTAX_ERROR();
    this.#i++;
    return t.v.toLowerCase();
  }
  int(): number { const t = this.peek(); if (t?.k !== 'num') throw SYNTAX_ERROR(); this.#i++; return Number(t.v); }

  expr(): Expr { let a = this.and(); while (this.eatKw('or')) a = { t: 'bin', op: 'or', a, b: this.and() }; return a; }
  and(): Expr { let a = this.not(); while (this.eatKw('and')) a = { t: 'bin', op: 'and', a, b: this.not() }; return a; }
  not(): Expr { return this.eatKw('not') ? { t: 'not', a: this.not() } : this.pred(); }
  pred(): Expr {
    const a = this.sum();
    if (this.eatKw('is')) { const neg = this.eatKw('not'); this.kw('null'); return { t: 'isnull', a, neg }; }
    const neg = this.eatKw('not');
    if (this.eatKw('like')) return { t: 'like', a, b: this.sum(), neg, matches: false };
    if (this.eatKw('matches')) return { t: 'like', a, b: this.sum(), neg, matches: true };
    if (this.eatKw('in')) {
      this.op('(');
      const list = [this.sum()];
      while (this.eatOp(',')) list.push(this.sum());
      this.op(')');
      return { t: 'in', a, list, neg };
    }
    if (neg) throw SYNTAX_ERROR();
    for (const op of ['=', '<>', '!=', '<=', '>=', '<', '>']) if (this.eatOp(op)) return { t: 'bin', op: op === '!=' ? '<>' : op, a, b: this.sum() };
    return a;
  }
  sum(): Expr {
    let a = this.atom();
    for (;;) {
      const t = this.peek();
      if (t?.k === 'op' && (t.v === '||' || t.v === '+' || t.v === '-')) { this.#i++; a = { t: 'bin', op: t.v, a, b: this.atom() }; } else return a;
    }
  }
  atom(): Expr {
    const t = this.peek();
    if (!t) throw SYNTAX_ERROR();
    if (t.k === 'num') { this.#i++; return { t: 'lit', v: Number(t.v) }; }
    if (t.k === 'str') { this.#i++; return { t: 'lit', v: t.v }; }
    if (this.eatOp('(')) { const e = this.expr(); this.op(')'); return e; }
    if (this.eatOp('-')) { const n = this.int(); return { t: 'lit', v: -n }; }
    if (this.eatOp('*')) return { t: 'star' };
    if (this.eatKw('null')) return { t: 'lit', v: null };
    const name = this.ident();
    if (this.eatOp('(')) {
      const args: Expr[] = [];
      if (!this.eatOp(')')) { do args.push(this.expr()); while (this.eatOp(',')); this.op(')'); }
      return { t: 'fn', name, args };
    }
    if (this.eatOp('.')) { if (this.eatOp('*')) return { t: 'star', table: name }; return { t: 'col', table: name, name: this.ident() }; }
    return { t: 'col', name };
  }

  select(): SelectStmt {
    this.kw('select');
    const s: SelectStmt = { kind: 'select', distinct: false, skip: 0, items: [], from: [], orderBy: [], groupBy: [] };
    for (;;) {
      if (this.eatKw('skip')) s.skip = this.int();
      else if (this.eatKw('first') || this.eatKw('limit')) s.first = this.int();
      else break;
    }
    s.distinct = this.eatKw('distinct') || this.eatKw('unique');
    do {
      const expr = this.expr();
      let label: string | undefined;
      if (this.eatKw('as')) label = this.ident();
      else if (this.peek()?.k === 'id' && !RESERVED.has(this.peek()!.v.toLowerCase())) label = this.ident();
      s.items.push({ expr, label });
    } while (this.eatOp(','));
    this.kw('from');
    s.from.push(this.tableRef('from'));
    for (;;) {
      if (this.eatOp(',')) { s.from.push(this.tableRef('inner')); continue; }
      let join: 'inner' | 'left' | undefined;
      if (this.eatKw('left')) { this.eatKw('outer'); this.kw('join'); join = 'left'; }
      else if (this.eatKw('inner')) { this.kw('join'); join = 'inner'; }
      else if (this.eatKw('join')) join = 'inner';
      if (!join) break;
      const ref = this.tableRef(join);
      this.kw('on');
      ref.on = this.expr();
      s.from.push(ref);
    }
    if (this.eatKw('where')) s.where = this.expr();
    if (this.eatKw('group')) {
      this.kw('by');
      do s.groupBy.push(this.expr()); while (this.eatOp(','));
    }
    if (this.eatKw('order')) {
      this.kw('by');
      do {
        const expr = this.expr();
        const desc = this.eatKw('desc');
        if (!desc) this.eatKw('asc');
        s.orderBy.push({ expr, desc });
      } while (this.eatOp(','));
    }
    if (this.eatKw('skip')) s.skip = this.int();
    if (this.eatKw('limit')) s.first = this.int();
    return s;
  }
  tableRef(join: TableRef['join']): TableRef {
    const table = this.ident();
    let alias = table;
    if (this.eatKw('as')) alias = this.ident();
    else if (this.peek()?.k === 'id' && !RESERVED.has(this.peek()!.v.toLowerCase())) alias = this.ident();
    return { table, alias, join };
  }
  update(): UpdateStmt {
    this.kw('update');
    const table = this.ident();
    this.kw('set');
    const set: [string, Expr][] = [];
    do { const c = this.ident(); this.op('='); set.push([c, this.sum()]); } while (this.eatOp(','));
    const where = this.eatKw('where') ? this.expr() : undefined;
    return { kind: 'update', table, set, where };
  }
  del(): DeleteStmt {
    this.kw('delete');
    this.kw('from');
    const table = this.ident();
    return { kind: 'delete', table, where: this.eatKw('where') ? this.expr() : undefined };
  }
  insert(): InsertStmt {
    this.kw('insert');
    this.kw('into');
    const table = this.ident();
    const columns: string[] = [];
    this.op('(');
    do columns.push(this.ident()); while (this.eatOp(','));
    this.op(')');
    this.kw('values');
    this.op('(');
    const values: Expr[] = [];
    do values.push(this.sum()); while (this.eatOp(','));
    this.op(')');
    return { kind: 'insert', table, columns, values };
  }
}

/** Parse one statement. Throws SqlError(-201) on a syntax error. */
export function parseSql(sql: string): Statement {
  const p = new Parser(lex(sql));
  let stmt: Statement;
  if (p.isKw('select')) stmt = p.select();
  else if (p.isKw('update')) stmt = p.update();
  else if (p.isKw('delete')) stmt = p.del();
  else if (p.isKw('insert')) stmt = p.insert();
  else throw SYNTAX_ERROR();
  if (!p.done()) throw SYNTAX_ERROR();
  return stmt;
}
