/** @module cucm_ris_devices: registration state from RisPort70, merged across CM nodes, paged with StateInfo. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { RIS_DEVICE_CLASSES, RIS_SELECT_BY, RIS_STATUSES, checkRisItems } from '../../cisco/ris/ris-request.ts';

export function createRisTools(s: CiscoServices): ToolDefinition[] {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared CUCM node or cluster name'),
    names: z.array(z.string().max(128)).max(1000).default(['*']).describe('Items to select; "*" is a wildcard, e.g. ["SEP0011*"]'),
    select_by: z.enum(RIS_SELECT_BY).default('Name').describe('What "names" holds: Name, IPV4Address, DirNumber, Description…'),
    status: z.enum(RIS_STATUSES).default('Any'),
    model: z.number().int().min(0).max(65535).default(255).describe('Numeric model code; 255 = any'),
    device_class: z.enum(RIS_DEVICE_CLASSES).default('Phone'),
    max: z.number().int().min(1).max(1000).default(200).describe('Devices per page (RIS answers at most 1000)'),
    state_info: z.string().max(4096).optional().describe('StateInfo from a previous answer, to get the next page'),
  };
  return [defineTool({
    name: 'cucm_ris_devices', title: 'CUCM device registration (RIS)', product: 'cucm', protocol: 'ris', rateCategory: 'ris', inputSchema: shape,
    description: [
      'Look up real-time registration of CUCM devices (RisPort70 selectCmDevice): status, IP address, CM node, model, protocol, load, per device.',
      'Select by name (wildcards with *), IP, directory number or description; filter by status, model and device class.',
      'Devices seen on several CM nodes are merged (newest entry wins). Pass state_info back to page.',
      'Example: {"node":"cluster1","names":["SEP0011*"],"status":"Registered"}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({
      node: z.string(), total_found: z.number().int(), returned: z.number().int(), state_info: z.string(), cm_nodes: z.record(z.string(), z.string()),
    }, z.array(z.record(z.string(), z.unknown()))),
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); checkRisItems(a.names); return { node: a.node, product: 'cucm', risDeviceClasses: [a.device_class], risStatuses: [a.status] }; },
    async handler(a, ctx) {
      const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const r = await s.ris.select({
        node, login, signal: ctx.signal,
        query: { items: a.names, selectBy: a.select_by, deviceClass: a.device_class, status: a.status, model: a.model, max: a.max, ...(a.state_info ? { stateInfo: a.state_info } : {}) },
      });
      // RBAC applied to the answer too: nothing outside the class/status that was authorised.
      const devices = r.devices.filter((d) => (a.device_class === 'Any' || d.deviceClass === a.device_class) && (a.status === 'Any' || d.status === a.status));
      return ciscoResult({ node: node.name, total_found: r.total, returned: devices.length, ...(r.duplicates ? { merged_duplicates: r.duplicates } : {}), state_info: r.stateInfo, cm_nodes: r.nodeCodes }, devices);
    },
  })];
}
