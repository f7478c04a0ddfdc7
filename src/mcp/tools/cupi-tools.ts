/** @module cuc_cupi_request: Unity Connection CUPI REST calls under /vmrest/, JSON in and out. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { CUPI_METHODS, normaliseCupiPath } from '../../cisco/cupi/cupi-path.ts';

export function createCupiTools(s: CiscoServices): ToolDefinition[] {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared Unity Connection node name'),
    method: z.enum(CUPI_METHODS).default('GET'),
    path: z.string().min(1).max(1024).describe('Path under /vmrest/, e.g. /vmrest/users or /vmrest/users/<objectId>'),
    query: z.record(z.string(), z.union([z.string().max(1024), z.number(), z.boolean()])).optional().describe('Query parameters, e.g. {"rowsPerPage":50,"pageNumber":1,"query":"(alias startswith j)"}'),
    body: z.record(z.string(), z.unknown()).optional().describe('JSON body for POST/PUT'),
  };
  return [defineTool({
    name: 'cuc_cupi_request', title: 'Unity Connection CUPI request', product: 'cuc', protocol: 'cupi', rateCategory: 'cupi', inputSchema: shape,
    description: [
      'Call the Unity Connection provisioning REST API (CUPI) on a declared node: users, call handlers, distribution lists, schedules…',
      'GET reads, POST creates, PUT updates, DELETE removes; bodies and answers are JSON (values are strings; lists carry "@total").',
      'Page lists with query rowsPerPage and pageNumber (1-based); filter with query "(alias startswith x)".',
      'Your profile decides which METHOD /path prefixes you may use. Example: {"node":"cuc1","method":"GET","path":"/vmrest/users","query":{"rowsPerPage":20,"pageNumber":1}}.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    target: (a) => { s.registry.resolve(a.node, { products: ['cuc'], clusterToPublisher: true }); return { node: a.node, product: 'cuc', cupiRequest: `${a.method} ${normaliseCupiPath(a.path)}` }; },
    async handler(a, ctx) {
      const path = normaliseCupiPath(a.path);
      const node = s.registry.resolve(a.node, { products: ['cuc'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const r = await s.cupi.request({ node, login, method: a.method, path, ...(a.query ? { query: a.query } : {}), ...(a.body ? { body: a.body } : {}), signal: ctx.signal });
      return ciscoResult({ node: node.name, request: `${a.method} ${path}`, status: r.status }, r.body);
    },
  })];
}
