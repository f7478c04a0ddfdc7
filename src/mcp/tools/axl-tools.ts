/** @module AXL tools: cucm_axl_request, imp_axl_request, cucm_axl_describe, cucm_axl_operations. */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { describeType } from './axl-describe.ts';
import { checkOperation } from '../../cisco/axl/axl-request.ts';
import { checkSqlOperation } from '../../cisco/axl/sql-check.ts';
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
      'Use it to read or change configuration: phones, lines, users, partitions, route patterns…',
      `Arguments mirror the XML body; call ${product === 'cucm' ? 'cucm_axl_describe' : 'cucm_axl_describe with an IM&P node'} first if unsure, and cucm_axl_operations to find operation names.`,
      'list* operations take searchCriteria and returnedTags, and page with skip/first; a list too large for one answer is fetched page by page automatically.',
      'Example: {"node":"cluster1","operation":"listPhone","args":{"searchCriteria":{"name":"SEP%"},"returnedTags":{"name":"","model":""},"first":50}}.',
      'Which operations you may run depends on your profile.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'per-target',
    outputSchema: ciscoOutput({ node: z.string(), operation: z.string(), axl_version: z.string(), pages: z.number().int().optional() }),
    change: axlChange(s, product),
    target: (a) => { s.registry.resolve(a.node, { products: [product], clusterToPublisher: true }); checkSqlArgs(a.operation, a.args); return { node: a.node, product, axlOperation: a.operation }; },
    async handler(a, ctx) {
      checkSqlArgs(a.operation, a.args);
      const node = s.registry.resolve(a.node, { products: [product], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const onProgress = (rows: number): void => { void ctx.progress(rows, undefined, `${rows} rows fetched`); };
      const r = await s.axl[product].call({ node, login, operation: a.operation, args: a.args, signal: ctx.signal, onProgress });
      return ciscoResult({ node: node.name, operation: a.operation, axl_version: r.version, ...(r.pages ? { pages: r.pages } : {}) }, r.result);
    },
  });
}

function describeTool(s: CiscoServices): ToolDefinition {
  const shape = { node: NODE, operation: OP };
  return defineTool({
    name: 'cucm_axl_describe', title: 'Describe an AXL operation', product: 'cucm', protocol: 'axl', rateCategory: 'axl', inputSchema: shape,
    description: 'Show the request schema of one AXL operation for the node\'s AXL version, compactly: "?" marks optional elements, "[]" repeated ones, "(one of)" alternatives. Use before cucm_axl_request/imp_axl_request to build correct arguments. Example: {"node":"cluster1","operation":"addPhone"}. Works for CUCM and IM&P nodes.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({ node: z.string(), operation: z.string(), axl_version: z.string() }),
    target: (a) => ({ node: a.node, product: productOf(s, a.node) }),
    async handler(a, ctx) {
      const { node, schema } = await nodeSchema(s, a.node, ctx);
      checkOperation(schema, a.operation);
      const t = schema.model.elementType(a.operation);
      if (!t) throw new AppError('E_INPUT_INVALID', `AXL operation "${a.operation}" has no request type`);
      return ciscoResult({ node: node.name, operation: a.operation, axl_version: schema.version }, describeType(schema.model, t));
    },
  });
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
    description: 'List the AXL operations of the node\'s AXL version whose names start with a prefix, so you can find the right one without guessing. Example: {"node":"cluster1","prefix":"listRoute"}. Returns at most 200 names.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({ node: z.string(), axl_version: z.string(), count: z.number().int() }, z.array(z.string())),
    target: (a) => ({ node: a.node, product: productOf(s, a.node) }),
    async handler(a, ctx) {
      const { node, schema } = await nodeSchema(s, a.node, ctx);
      const p = a.prefix.toLowerCase();
      const ops = schema.operations.filter((o) => o.toLowerCase().startsWith(p));
      return ciscoResult({ node: node.name, axl_version: schema.version, count: ops.length }, ops.slice(0, 200));
    },
  });
}

export function createAxlTools(s: CiscoServices): ToolDefinition[] {
  return [requestTool(s, 'cucm'), requestTool(s, 'imp'), describeTool(s), operationsTool(s)];
}
