/** @module cucm_service_status: Control Center soapGetServiceStatus on a node, or on every CUCM node of a cluster. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { checkServiceNames } from '../../cisco/serviceability/log-collection.ts';
import { NODE_FAILURE_OUT, cucmNodesOf, fanOut, loose, svcOutput, svcResult } from './serviceability-common.ts';

export const NODE_OR_CLUSTER = z.string().min(1).max(64).describe('Declared CUCM node name, or a cluster name for every CUCM node of it');
export const SERVICE_NAMES = z.array(z.string().min(1).max(100)).max(50);

export function createServiceStatusTool(s: CiscoServices): ToolDefinition {
  return defineTool({
    name: 'cucm_service_status', title: 'CUCM service status (Control Center)', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.status',
    inputSchema: { node: NODE_OR_CLUSTER, services: SERVICE_NAMES.optional().describe('Only these services (exact names); default every service') },
    description: [
      'Read the status of the CUCM services on a node (Control Center soapGetServiceStatus): for each service its status (Started, Stopped, Starting, Stopping), reason, start time, uptime and whether it is activated.',
      'Give a cluster name to ask every CUCM node at once; a node that does not answer is reported by name while the others still answer.',
      'Use it first when something is down ("which service stopped?"). Example: {"node":"cluster1","services":["Cisco CallManager","Cisco Tftp"]}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({
      node: z.string(),
      nodes: z.array(loose({
        node: z.string(), ok: z.boolean(), error: NODE_FAILURE_OUT.optional(), return_code: z.string().optional(), reason: z.string().optional(),
        services: z.array(loose({ name: z.string(), status: z.string(), activated: z.boolean(), reason: z.string(), reason_code: z.number(), start_time: z.string(), up_time_seconds: z.number() })).optional(),
      })),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'status' },
    target: (a) => { cucmNodesOf(s, a.node); checkServiceNames(a.services ?? []); return { node: a.node, product: 'cucm', serviceabilityApi: 'status' }; },
    async handler(a, ctx) {
      const nodes = cucmNodesOf(s, a.node);
      const results = await fanOut(nodes, async (n) => {
        const login = await loginFor(s, ctx.principal.clientName, n);
        return s.serviceability.serviceStatus(n, login, a.services ?? [], ctx.signal);
      });
      return svcResult({
        node: a.node,
        nodes: results.map((r) => (r.ok ? {
          node: r.node, ok: true, return_code: r.value.returnCode, ...(r.value.reason.trim() ? { reason: r.value.reason } : {}),
          services: r.value.services.map((x) => ({ name: x.name, status: x.status, activated: x.activated, reason: x.reason.trim(), reason_code: x.reasonCode, start_time: x.startTime.trim(), up_time_seconds: x.upTimeSeconds })),
        } : { node: r.node, ok: false, error: r.error })),
      });
    },
  });
}
