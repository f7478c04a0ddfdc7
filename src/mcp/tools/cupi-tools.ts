/** @module cuc_cupi_request: Unity Connection CUPI REST calls under /vmrest/, JSON in and out. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { CUPI_METHODS, normaliseCupiPath } from '../../cisco/cupi/cupi-path.ts';
import { cupiChange } from '../changes/cupi-change.ts';
import { selectCupiFields } from '../../cisco/cupi/cupi-answer.ts';
import { AppError } from '../../lib/errors.ts';

/** `@total` of a CUPI list answer (`{"@total": "12", "User": …}` or nested one level), if any. */
export function createCupiTools(s: CiscoServices): ToolDefinition[] {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared Unity Connection node name'),
    method: z.enum(CUPI_METHODS).default('GET'),
    path: z.string().min(1).max(1024).describe('Path under /vmrest/, e.g. /vmrest/users or /vmrest/users/<objectId>'),
    query: z.record(z.string(), z.union([z.string().max(1024), z.number(), z.boolean()])).optional().describe('Query parameters, e.g. {"rowsPerPage":50,"pageNumber":1,"query":"(alias startswith j)"}'),
    body: z.record(z.string(), z.unknown()).optional().describe('JSON body for POST/PUT'),
    page: z.number().int().min(1).max(100_000).optional().describe('Paging helper for GET lists: page number (1-based), sets pageNumber'),
    rows_per_page: z.number().int().min(1).max(2000).optional().describe('Paging helper for GET lists: sets rowsPerPage (default 100 when page is given)'),
    fields: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a CUPI field name, e.g. Alias')).min(1).max(100).optional()
      .describe('GET only: keep just these fields of each item (ObjectId and URI are always kept), e.g. ["Alias","DisplayName","DtmfAccessId"]. Names are case-sensitive'),
  };
  return [defineTool({
    name: 'cuc_cupi_request', title: 'Unity Connection CUPI request', product: 'cuc', protocol: 'cupi', rateCategory: 'cupi', inputSchema: shape,
    description: [
      'Call the Unity Connection provisioning REST API (CUPI) on a declared node: users, call handlers, distribution lists, schedules…',
      'GET reads, POST creates, PUT updates, DELETE removes; bodies and answers are JSON (values are strings; lists carry "@total").',
      'Page lists with page and rows_per_page (or query rowsPerPage/pageNumber, 1-based); the answer\'s total gives the count; filter with query {"query":"(alias startswith x)"}.',
      'A user or handler has about a hundred fields: name the ones you need with fields (e.g. ["Alias","DisplayName"]) to keep answers small.',
      'Your profile decides which METHOD /path prefixes you may use. Example: {"node":"cuc1","method":"GET","path":"/vmrest/users","query":{"rowsPerPage":20,"pageNumber":1}}.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'per-target',
    outputSchema: ciscoOutput({
      node: z.string(), request: z.string(), status: z.number().int(), total: z.number().optional(), pageNumber: z.number().int().optional(), rowsPerPage: z.number().int().optional(),
      fields_missing: z.array(z.string()).optional().describe('requested fields no item has'),
    }),
    change: cupiChange(s),
    target: (a) => {
      s.registry.resolve(a.node, { products: ['cuc'], clusterToPublisher: true });
      if (a.fields && a.method !== 'GET') throw new AppError('E_INPUT_INVALID', `fields selects what a GET answers; it cannot be used with ${a.method}`, { hint: 'drop fields, or read the object with GET afterwards' });
      return { node: a.node, product: 'cuc', cupiRequest: `${a.method} ${normaliseCupiPath(a.path)}` };
    },
    async handler(a, ctx) {
      const path = normaliseCupiPath(a.path);
      const node = s.registry.resolve(a.node, { products: ['cuc'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const paging: Record<string, number> = a.page !== undefined || a.rows_per_page !== undefined ? { pageNumber: a.page ?? 1, rowsPerPage: a.rows_per_page ?? 100 } : {};
      const query: Record<string, string | number | boolean> = { ...a.query, ...paging };
      const r = await s.cupi.request({ node, login, method: a.method, path, ...(Object.keys(query).length ? { query } : {}), ...(a.body ? { body: a.body } : {}), signal: ctx.signal });
      const total = r.total;
      const fields = { node: node.name, request: `${a.method} ${path}`, status: r.status, ...(total !== undefined ? { total, ...paging } : {}) };
      if (!a.fields) return ciscoResult(fields, r.body);
      const sel = selectCupiFields(r.body, a.fields);
      const empty = total === 0 || sel.available.length === 0;
      return ciscoResult({
        ...fields,
        ...(sel.missing.length && !empty ? { fields_missing: sel.missing, hint: `no item has ${sel.missing.map((f) => `"${f}"`).join(', ')} (names are case-sensitive); fields there: ${sel.available.slice(0, 60).join(', ')}` } : {}),
      }, sel.body);
    },
  })];
}
