/** @module cucm_phone_screenshot and cucm_phone_info: RIS → phone IP → the phone's web server. */
import { z } from 'zod';
import type { ToolDefinition, ToolContext } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import type { PhoneTarget } from '../../cisco/phone/phone-client.ts';
import { upstreamError } from '../../cisco/upstream-error.ts';

const DEVICE = z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'a device name such as SEP001122334455').describe('Device name, e.g. SEP001122334455');
const NODE = z.string().min(1).max(64).describe('Declared CUCM node or cluster name');

/** The device's IP, taken only from a RIS answer of the declared node (never from the agent). */
async function locate(s: CiscoServices, a: { node: string; device: string }, ctx: ToolContext): Promise<{ target: PhoneTarget; cluster: string; nodeName: string }> {
  const device = a.device;
  const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
  const login = await loginFor(s, ctx.principal.clientName, node);
  const r = await s.ris.select({ node, login, query: { items: [device], selectBy: 'Name', deviceClass: 'Phone', status: 'Any', model: 255, max: 10 }, signal: ctx.signal });
  const hits = r.devices.filter((d) => d.name.toUpperCase() === device.toUpperCase());
  const reg = hits.find((d) => d.status === 'Registered') ?? hits[0];
  if (!reg) throw upstreamError('not_found', `RIS on node "${node.name}" does not know device "${device}"`, { node: node.name, hint: 'check the name with cucm_ris_devices' });
  if (reg.status !== 'Registered') throw upstreamError('device_unregistered', `Device "${device}" is ${reg.status || 'not registered'}, so its web server cannot be reached`, { node: device, hint: 'the phone must be registered' });
  return { target: { device: reg.name, ip: reg.ip, port: s.phonePort }, cluster: node.cluster, nodeName: node.name };
}

export function createPhoneTools(s: CiscoServices): ToolDefinition[] {
  const shape = { node: NODE, device: DEVICE };
  const shot = defineTool({
    name: 'cucm_phone_screenshot', title: 'IP phone screenshot', product: 'cucm', protocol: 'phone', rateCategory: 'phone', inputSchema: shape,
    description: 'Take a screenshot of a registered IP phone\'s display and return it as an image. aibridge finds the phone\'s IP through RIS on the declared node and logs in with the cluster\'s phone credential. Use it to see what a user sees. Example: {"node":"cluster1","device":"SEP001122334455"}.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: { node: z.string(), device: z.string(), mime_type: z.string(), bytes: z.number().int() },
    requires: { product: 'cucm', phoneAction: 'screenshot' },
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); return { node: a.node, product: 'cucm', phoneAction: 'screenshot' }; },
    async handler(a, ctx) {
      const { target, cluster, nodeName } = await locate(s, a, ctx);
      const login = await s.credentials.loginFor(ctx.principal.clientName, [nodeName, cluster], 'phone');
      const img = await s.phone.screenshot(target, login, ctx.signal);
      const facts = { node: nodeName, device: target.device, mime_type: img.mimeType, bytes: img.data.length };
      return { content: [{ type: 'image', data: img.data.toString('base64'), mimeType: img.mimeType }, { type: 'text', text: JSON.stringify(facts) }], structuredContent: facts };
    },
  });
  const infoShape = {
    ...shape,
    page: z.enum(['device', 'network', 'port', 'streaming']).default('device').describe('device = DeviceInformationX; network = NetworkConfigurationX; port = PortInformationX; streaming = StreamingStatisticsX'),
    index: z.number().int().min(1).max(5).default(1).describe('Stream 1-5 for page streaming; port 1-3 for page port'),
  };
  const info = defineTool({
    name: 'cucm_phone_info', title: 'IP phone status pages', product: 'cucm', protocol: 'phone', rateCategory: 'phone', inputSchema: infoShape,
    description: [
      'Read a registered IP phone\'s own status pages as JSON; the phone is found through RIS on the declared node.',
      'page device (default): MAC, host name, DN, firmware loads, serial and model numbers; network: IP, subnet mask, default router, DNS, TFTP and CallManager servers, VLAN; port: link state and counters of port 1-3;',
      'streaming: the RTP stream 1-5 of the current call (remote address, codec, packets lost, jitter, MOS), for one-way audio and quality problems.',
      'Example: {"node":"cluster1","device":"SEP001122334455","page":"streaming","index":1}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({ node: z.string(), device: z.string(), page: z.string(), index: z.number().optional() }),
    requires: { product: 'cucm', phoneAction: 'screenshot' },
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); return { node: a.node, product: 'cucm', phoneAction: 'screenshot' }; },
    async handler(a, ctx) {
      const { target, nodeName } = await locate(s, a, ctx);
      const data = await s.phone.statusPage(target, a.page, a.page === 'device' || a.page === 'network' ? 1 : a.index, ctx.signal);
      return ciscoResult({ node: nodeName, device: target.device, page: a.page, ...(a.page === 'port' || a.page === 'streaming' ? { index: a.index } : {}) }, data);
    },
  });
  return [shot, info];
}
