/** @module AXL tools: cucm_axl_request, imp_axl_request, cucm_axl_describe, cucm_axl_operations. */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { DEFAULT_DEPTH, MAX_DEPTH, describeTree, typeAtPath } from './axl-describe.ts';
import { checkOperation } from '../../cisco/axl/axl-request.ts';
import type { PagingOutcome } from '../../cisco/axl/axl-paging.ts';
import { SQL_OPERATIONS, checkSqlOperation } from '../../cisco/axl/sql-check.ts';
import { isSqlFault, sqlErrorHint } from '../../cisco/axl/sql-hints.ts';
import { IMP_AXL_HINT, IMP_AXL_OPERATIONS } from '../../cisco/axl/imp-operations.ts';
import { reasonOf, withHint } from '../../cisco/upstream-error.ts';
import { axlChange } from '../changes/axl-change.ts';

const OP = z.string().min(1).max(100).describe('AXL operation name, e.g. getPhone, listPhone, addPhone, updatePhone');
const NODE = z.string().min(1).max(64).describe('Declared node or cluster name (a cluster means its publisher)');

/** SQL sent through the generic AXL tool gets the same checks as cucm_sql_query/cucm_sql_update (no bypass). */
function checkSqlArgs(operation: string, args: Record<string, unknown>): void {
  checkSqlOperation(operation, args);
}

function requestTool(s: CiscoServices, product: 'cucm' | 'imp'): ToolDefinition {
  const label = product === 'cucm' ? 'CUCM' : 'IM&Presence';
  const shape = { node: NODE, operation: OP, args: z.record(z.string(), z.unknown()).default({}).describe('The operation\'s XML body as JSON: element names as keys, arrays for repeated elements, "@attr" for attributes') };
  return defineTool({
    name: `${product}_axl_request`, title: `${label} AXL request`, product, protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    description: [
      `Run one ${label} AXL (SOAP provisioning API) operation on a declared node and get the answer as JSON.`,
      product === 'cucm'
        ? 'Use it to read or change configuration: phones, lines, users, partitions, route patterns…'
        : `An IM&P node answers only part of AXL: ${IMP_AXL_OPERATIONS.join(', ')}; use it for the IM&P version, end users as IM&P sees them, and SQL on the IM&P database (executeSQLQuery). Users, devices and lines are provisioned on CUCM (cucm_axl_request).`,
      `Arguments mirror the XML body; call ${product === 'cucm' ? 'cucm_axl_describe' : 'cucm_axl_describe with an IM&P node'} first if unsure, and cucm_axl_operations ${product === 'cucm' ? '' : 'with an IM&P node '}to find operation names.`,
      'list* operations take searchCriteria and returnedTags (name only the fields you need), and page with skip/first; a list too large for one answer is fetched page by page automatically, within the AXL timeout: when that runs out, the answer has complete:false and next {skip, first} to continue with.',
      product === 'cucm'
        ? 'Example: {"node":"cluster1","operation":"listPhone","args":{"searchCriteria":{"name":"SEP%"},"returnedTags":{"name":"","model":""},"first":50}}.'
        : 'Example: {"node":"imp-cluster","operation":"listUser","args":{"searchCriteria":{"userid":"j%"},"returnedTags":{"userid":"","firstName":"","lastName":""}}}.',
      'Which operations you may run depends on your profile.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'per-target',
    outputSchema: ciscoOutput({
      node: z.string(), operation: z.string(), axl_version: z.string(), pages: z.number().int().optional(),
      complete: z.boolean().optional().describe('false when automatic paging stopped early; continue with next'),
      rows: z.number().int().optional(), next: z.object({ skip: z.number().int(), first: z.number().int() }).optional(),
    }),
    change: axlChange(s, product),
    target: (a) => { s.registry.resolve(a.node, { products: [product], clusterToPublisher: true }); checkSqlArgs(a.operation, a.args); return { node: a.node, product, axlOperation: a.operation }; },
    async handler(a, ctx) {
      checkSqlArgs(a.operation, a.args);
      const node = s.registry.resolve(a.node, { products: [product], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const onProgress = (rows: number): void => { void ctx.progress(rows, undefined, `${rows} rows fetched`); };
      const r = await s.axl[product].call({ node, login, operation: a.operation, args: a.args, signal: ctx.signal, onProgress }).catch((err: unknown) => {
        // SQL sent through the generic tool gets a SQL hint, not the AXL-schema one.
        if (SQL_OPERATIONS.has(a.operation) && isSqlFault(err)) throw withHint(err, sqlErrorHint(err.upstream?.cisco_code, err.message, undefined, typeof a.args.sql === 'string' ? a.args.sql : ''));
        // IM&P refuses most of AXL: say which part it answers.
        if (product === 'imp' && !IMP_AXL_OPERATIONS.includes(a.operation) && reasonOf(err) === 'soap_fault') throw withHint(err as AppError, IMP_AXL_HINT);
        throw err;
      });
      return ciscoResult({ node: node.name, operation: a.operation, axl_version: r.version, ...(r.pages ? { pages: r.pages } : {}), ...pagingFields(r.paging) }, r.result);
    },
  });
}

function describeTool(s: CiscoServices): ToolDefinition {
  const shape = {
    node: NODE, operation: OP,
    depth: z.number().int().min(1).max(MAX_DEPTH).default(DEFAULT_DEPTH).describe(`Levels to expand below the operation (or below path); deeper ones show as "{…}". Default ${DEFAULT_DEPTH}, at most ${MAX_DEPTH}`),
    path: z.string().max(300).refine((p) => p.split('.').every((seg) => /^[A-Za-z_][\w-]{0,99}$/.test(seg)), 'dot-separated element names, e.g. phone.lines.line').optional()
      .describe('Describe only the element at this dot-separated path of element names below the operation, e.g. "phone.lines.line"'),
  };
  return defineTool({
    name: 'cucm_axl_describe', title: 'Describe an AXL operation', product: 'cucm', protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    description: [
      'Show the request schema of one AXL operation for the node\'s AXL version, compactly: "?" marks optional elements, "[]" repeated ones, "(one of)" alternatives.',
      'Use before cucm_axl_request/imp_axl_request to build correct arguments. Works for CUCM and IM&P nodes.',
      `Levels deeper than depth (default ${DEFAULT_DEPTH}) show as "{…}": ask again with a larger depth, or with path to expand one part.`,
      'Example: {"node":"cluster1","operation":"addPhone"}, then {"node":"cluster1","operation":"addPhone","path":"phone.lines.line","depth":2}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({
      node: z.string(), operation: z.string(), axl_version: z.string(), path: z.string().optional(), depth: z.number().int(),
      collapsed: z.number().int().describe('levels shown as "{…}"; 0 means the picture is complete'),
    }),
    target: (a) => ({ node: a.node, product: productOf(s, a.node) }),
    async handler(a, ctx) {
      const { node, schema } = await nodeSchema(s, a.node, ctx);
      checkOperation(schema, a.operation);
      const top = schema.model.elementType(a.operation);
      if (!top) throw new AppError('E_INPUT_INVALID', `AXL operation "${a.operation}" has no request type`);
      let t = top;
      if (a.path) {
        const at = typeAtPath(schema.model, top, a.path.split('.'));
        if (!('type' in at)) {
          throw new AppError('E_INPUT_INVALID', `${a.operation}${at.at ? `.${at.at}` : ''} has no element "${at.missing}"`, { hint: at.children.length ? `elements there: ${at.children.slice(0, 40).join(', ')}` : 'that element has no child elements' });
        }
        t = at.type;
      }
      const d = describeTree(schema.model, t, a.depth);
      const fields = { node: node.name, operation: a.operation, axl_version: schema.version, ...(a.path ? { path: a.path } : {}), depth: a.depth, collapsed: d.collapsed };
      const hint = d.collapsed > 0
        ? `${d.collapsed} deeper level${d.collapsed === 1 ? ' is' : 's are'} shown as "{…}": call again with a larger depth (at most ${MAX_DEPTH}) or with path set to one element, e.g. "${firstCollapsed(d.schema, a.path ? [a.path] : []) ?? 'phone.lines'}"`
        : undefined;
      return ciscoResult({ ...fields, ...(hint ? { hint } : {}) }, d.schema);
    },
  });
}

/** What automatic paging returned and, when it stopped early, how to continue. */
function pagingFields(p: PagingOutcome | undefined): Record<string, unknown> {
  if (!p) return {};
  if (p.complete) return { complete: true, rows: p.rows };
  const why = p.stopped_by === 'time_budget' ? 'the time budget (the AXL timeout, SERVER_<PRODUCT>_ZEEP_TIMEOUT) ran out' : p.stopped_by === 'row_cap' ? `the row cap was reached` : 'the call was cancelled';
  return {
    complete: false, rows: p.rows, next: { skip: p.next_skip ?? p.rows, first: p.page_size },
    hint: `only the first ${p.rows} rows: automatic paging stopped because ${why}; call again with the same arguments plus "skip":${p.next_skip ?? p.rows},"first":${p.page_size} for the next page, or narrow searchCriteria`,
  };
}

/** Dot path (without ? and []) of the first element shown as "{…}", for the hint. */
function firstCollapsed(v: unknown, at: string[] = []): string | undefined {
  if (v === '{…}') return at.join('.');
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  for (const [k, c] of Object.entries(v)) {
    if (k.startsWith('@') || k === '(one of)') continue;
    const p = firstCollapsed(c, [...at, k.replace(/[?[\]]/g, '')]);
    if (p) return p;
  }
  return undefined;
}

/** The declared CUCM/IM&P node and the AXL schema of its version, loaded with the caller's login. */
async function nodeSchema(s: CiscoServices, name: string, ctx: ToolContext) {
  const node = s.registry.resolve(name, { products: ['cucm', 'imp'], clusterToPublisher: true });
  const client = s.axl[node.product === 'imp' ? 'imp' : 'cucm'];
  return { node, schema: await client.schemaFor(node, await loginFor(s, ctx.principal.clientName, node), ctx.signal) };
}

/** Product of a node or cluster; refuses undeclared names before anything else happens. */
function productOf(s: CiscoServices, name: string): 'cucm' | 'imp' {
  return s.registry.resolve(name, { products: ['cucm', 'imp'], clusterToPublisher: true }).product === 'imp' ? 'imp' : 'cucm';
}

function operationsTool(s: CiscoServices): ToolDefinition {
  const shape = { node: NODE, prefix: z.string().max(100).default('').describe('Case-insensitive prefix, e.g. "listPh" or "update"') };
  return defineTool({
    name: 'cucm_axl_operations', title: 'List AXL operations', product: 'cucm', protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    description: 'List the AXL operations of the node\'s AXL version whose names start with a prefix, so you can find the right one without guessing; for an IM&P node, the operations IM&P answers. Example: {"node":"cluster1","prefix":"listRoute"}. Returns at most 200 names.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({ node: z.string(), product: z.enum(['cucm', 'imp']), axl_version: z.string(), count: z.number().int() }, z.array(z.string())),
    target: (a) => ({ node: a.node, product: productOf(s, a.node) }),
    async handler(a, ctx) {
      const { node, schema } = await nodeSchema(s, a.node, ctx);
      const p = a.prefix.toLowerCase();
      const imp = node.product === 'imp';
      const ops = schema.operations.filter((o) => o.toLowerCase().startsWith(p) && (!imp || IMP_AXL_OPERATIONS.includes(o)));
      return ciscoResult({ node: node.name, product: imp ? 'imp' : 'cucm', axl_version: schema.version, count: ops.length, ...(imp ? { hint: IMP_AXL_HINT } : {}) }, ops.slice(0, 200));
    },
  });
}

export function createAxlTools(s: CiscoServices): ToolDefinition[] {
  return [requestTool(s, 'cucm'), requestTool(s, 'imp'), describeTool(s), operationsTool(s)];
}
