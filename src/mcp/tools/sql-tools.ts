/** @module cucm_sql_query (one read-only SELECT, row-limited and paged) and cucm_sql_update. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { checkSelect, checkUpdate, withRowWindow } from '../../cisco/axl/sql-check.ts';
import { xList, xObj } from '../../lib/xsd/xvalue.ts';
import type { XValue } from '../../lib/xsd/xvalue.ts';
import { AxlTooLargeError } from '../../cisco/axl/axl-paging.ts';
import { sqlChange } from '../changes/sql-change.ts';
import { catalogQuery, isSqlFault, sqlErrorHint } from '../../cisco/axl/sql-hints.ts';
import { withHint } from '../../cisco/upstream-error.ts';
import type { AppError } from '../../lib/errors.ts';

const NODE = z.string().min(1).max(64).describe('Declared CUCM node or cluster name (a cluster means its publisher)');
const MAX_LIMIT = 100_000;

function queryTool(s: CiscoServices): ToolDefinition {
  const shape = {
    node: NODE,
    sql: z.string().min(1).max(8000).describe('One Informix SELECT statement'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(1000).describe('Rows to return (default 1000)'),
    offset: z.number().int().min(0).max(10_000_000).default(0).describe('Rows to skip, for paging'),
  };
  return defineTool({
    name: 'cucm_sql_query', title: 'CUCM SQL query', product: 'cucm', protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    description: [
      'Run one read-only SELECT against the CUCM database (Informix, via AXL executeSQLQuery) and get rows as JSON objects with lowercase column names.',
      'Use it for reports and lookups across tables (device, numplan, enduser, devicenumplanmap, typemodel…).',
      'Only a single SELECT is accepted: no semicolon-separated statements, comments, INTO, procedure calls or writes.',
      'Rows are limited (limit, default 1000) and paged with offset; "more" tells whether another page exists. This is Informix SQL: no OFFSET or TOP (use limit/offset, "select skip M first N" or "order by … limit N"), lower(x) like instead of ILIKE, CURRENT instead of NOW(); table names are in systables (tabid >= 100), columns in syscolumns.',
      'Example: {"node":"cluster1","sql":"select d.name, d.description from device d where d.name like \'SEP%\'","limit":100}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({
      node: z.string(), rows: z.number().int(), offset: z.number().int(), more: z.boolean(), next_offset: z.number().int().optional(), truncated: z.boolean().optional(),
    }, z.array(z.unknown())),
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); checkSelect(a.sql); return { node: a.node, product: 'cucm', axlOperation: 'executeSQLQuery' }; },
    async handler(a, ctx) {
      const checked = checkSelect(a.sql);
      const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const run = async (offset: number, count: number): Promise<XValue[]> => {
        const r = await s.axl.cucm.call({ node, login, operation: 'executeSQLQuery', args: { sql: withRowWindow(checked, offset, count) }, signal: ctx.signal });
        return xList(xObj(r.result)?.row);
      };
      let rows: XValue[];
      try {
        rows = await run(a.offset, a.limit + 1);
      } catch (err) {
        if (isSqlFault(err)) throw await explainSqlFault(err, checked.sql, async (q) => xList(xObj((await s.axl.cucm.call({ node, login, operation: 'executeSQLQuery', args: { sql: q }, signal: ctx.signal })).result)?.row));
        // Too many rows for one AXL answer: fetch windows of the size the node suggests (AXL-DG read throttle).
        if (!(err instanceof AxlTooLargeError) || checked.hasRowLimit) throw err;
        const size = Math.max(1, Math.floor(err.suggestedRows * 0.9));
        rows = [];
        while (rows.length <= a.limit && !ctx.signal.aborted) {
          const want = Math.min(size, a.limit + 1 - rows.length);
          const page = await run(a.offset + rows.length, want);
          rows.push(...page);
          void ctx.progress(rows.length, a.limit, `${rows.length} rows fetched`);
          if (page.length < want) break;
        }
      }
      const more = !checked.hasRowLimit && rows.length > a.limit;
      const page = rows.slice(0, a.limit);
      return ciscoResult({ node: node.name, rows: page.length, offset: a.offset, more, ...(more ? { next_offset: a.offset + a.limit } : {}), ...(checked.hasRowLimit && rows.length > a.limit ? { truncated: true } : {}) }, page);
    },
  });
}

/**
 * The node's SQL error with a SQL hint; for a missing table or column, the names come from one
 * catalog query (systables/syscolumns) on the same node with the same login — the caller was
 * allowed executeSQLQuery, and a failed lookup only makes the hint generic.
 */
async function explainSqlFault(err: AppError, sql: string, query: (sql: string) => Promise<XValue[]>): Promise<AppError> {
  const code = err.upstream?.cisco_code;
  const lookup = catalogQuery(code, err.message, sql);
  let catalog: Array<Record<string, unknown>> | undefined;
  if (lookup) {
    try { catalog = (await query(lookup)).map((r) => (xObj(r) ?? {}) as Record<string, unknown>); } catch { catalog = undefined; }
  }
  return withHint(err, sqlErrorHint(code, err.message, catalog, sql));
}

function updateTool(s: CiscoServices): ToolDefinition {
  const shape = { node: NODE, sql: z.string().min(1).max(8000).describe('One INSERT, UPDATE or DELETE statement') };
  return defineTool({
    name: 'cucm_sql_update', title: 'CUCM SQL update', product: 'cucm', protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    requires: { product: 'cucm', axlOperation: 'executeSQLUpdate' },
    description: 'Run one INSERT, UPDATE or DELETE against the CUCM database (AXL executeSQLUpdate) and get the number of rows changed. Prefer AXL add/update operations; use this only when no AXL operation fits. One statement per call, no comments or DDL. Example: {"node":"cluster1","sql":"update device set description=\'Lobby\' where name=\'SEP001122334455\'"}.',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'write',
    outputSchema: ciscoOutput({ node: z.string() }),
    change: sqlChange(s),
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); checkUpdate(a.sql); return { node: a.node, product: 'cucm', axlOperation: 'executeSQLUpdate' }; },
    async handler(a, ctx) {
      const sql = checkUpdate(a.sql);
      const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const r = await s.axl.cucm.call({ node, login, operation: 'executeSQLUpdate', args: { sql }, signal: ctx.signal }).catch((err: unknown) => {
        throw isSqlFault(err) ? withHint(err, sqlErrorHint(err.upstream?.cisco_code, err.message, undefined, sql)) : err;
      });
      return ciscoResult({ node: node.name }, r.result);
    },
  });
}

export function createSqlTools(s: CiscoServices): ToolDefinition[] {
  return [queryTool(s), updateTool(s)];
}
