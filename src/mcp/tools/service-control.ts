/**
 * @module cucm_service_control: Control Center soapDoControlServices (Start, Stop, Restart) on one
 * CUCM node. A write: change control plans it (the before-image is the services' status), a
 * person approves it, it runs once and is verified by reading the status again. Start and Stop
 * undo each other; a Restart cannot be undone.
 */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { AppError } from '../../lib/errors.ts';
import { CONTROL_TYPES } from '../../cisco/serviceability/control-center.ts';
import type { ServiceInfo } from '../../cisco/serviceability/control-center.ts';
import { checkServiceNames } from '../../cisco/serviceability/log-collection.ts';
import type { Image } from '../../changes/change-record.ts';
import type { ChangeAdapter, ChangeFacts, PlannedChange, Verdict } from '../changes/change-adapter.ts';
import { quoteValue } from '../../changes/change-text.ts';
import { loose, svcOutput, svcResult } from './serviceability-common.ts';

type Action = typeof CONTROL_TYPES[number];
interface Args { node: string; services: string[]; action: Action }
interface Snapshot { [service: string]: { status: string; start_time: string } }

/** How long verification waits for services in Starting/Stopping to settle. */
const SETTLE_TRIES = 10;
const SETTLE_MS = 2000;

function asArgs(r: Record<string, unknown>): Args {
  return { node: String(r.node), services: (r.services as string[]) ?? [], action: r.action as Action };
}

async function snapshot(s: CiscoServices, a: Args, ctx: ToolContext): Promise<{ snap: Snapshot; infos: ServiceInfo[] }> {
  const node = s.registry.resolve(a.node, { products: ['cucm'] });
  const login = await loginFor(s, ctx.principal.clientName, node);
  const r = await s.serviceability.serviceStatus(node, login, a.services, ctx.signal);
  const snap: Snapshot = {};
  for (const name of a.services) {
    const i = r.services.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!i) throw new AppError('E_INPUT_INVALID', `Node "${node.name}" has no service ${quoteValue(name)}`, { hint: 'cucm_service_status lists the exact names' });
    snap[i.name] = { status: i.status, start_time: i.startTime.trim() };
  }
  return { snap, infos: r.services };
}

const wanted = (action: Action): string => (action === 'Stop' ? 'Stopped' : 'Started');

export function serviceControlChange(s: CiscoServices): ChangeAdapter {
  return {
    async plan(args, ctx): Promise<PlannedChange> {
      const a = asArgs(args);
      const { snap, infos } = await snapshot(s, a, ctx);
      const inactive = infos.filter((i) => a.services.some((n) => n.toLowerCase() === i.name.toLowerCase()) && !i.activated).map((i) => i.name);
      if (inactive.length) throw new AppError('E_INPUT_INVALID', `Service ${inactive.map((x) => quoteValue(x)).join(', ')} is not activated on node "${a.node}", so it cannot be controlled`, { hint: 'activate it in Cisco Unified Serviceability (Service Activation) first' });
      return {
        object: `${a.services.map((x) => quoteValue(x)).join(', ')} on node ${quoteValue(a.node)}`,
        before: { exists: true, data: snap },
        diff: Object.entries(snap).map(([name, v]) => ({ field: name, before: v.status, after: a.action === 'Restart' ? 'Started (restarted)' : wanted(a.action) })),
        reversible: a.action !== 'Restart',
        ...(a.action === 'Restart' ? { irreversibleReason: 'a restart cannot be undone: the service is Started before and after, and the calls and sessions it dropped are gone' } : {}),
      };
    },

    async read(c: ChangeFacts, _phase, ctx): Promise<Image> {
      return { exists: true, data: (await snapshot(s, asArgs(c.request), ctx)).snap };
    },

    async verify(c: ChangeFacts, ctx): Promise<Verdict> {
      const a = asArgs(c.request);
      const before = (c.before?.data ?? {}) as Snapshot;
      let snap: Snapshot = {};
      for (let i = 0; i < SETTLE_TRIES; i++) {
        snap = (await snapshot(s, a, ctx)).snap;
        if (!Object.values(snap).some((v) => v.status === 'Starting' || v.status === 'Stopping')) break;
        await new Promise((r) => setTimeout(r, SETTLE_MS));
      }
      const bad = Object.entries(snap).filter(([name, v]) => v.status !== wanted(a.action) || (a.action === 'Restart' && before[name] !== undefined && before[name].status === 'Started' && v.start_time === before[name].start_time));
      const after: Image = { exists: true, data: snap };
      return bad.length ? { ok: false, after, reason: `status after ${a.action}: ${bad.map(([n, v]) => `${quoteValue(n)} ${v.status}`).join(', ')}` } : { ok: true, after };
    },

    revert(c: ChangeFacts): Record<string, unknown> {
      const a = asArgs(c.request);
      return { ...c.request, action: a.action === 'Start' ? 'Stop' : 'Start' };
    },
  };
}

export function createServiceControlTool(s: CiscoServices): ToolDefinition {
  return defineTool({
    name: 'cucm_service_control', title: 'Start, stop or restart CUCM services (Control Center)', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.control',
    inputSchema: {
      node: z.string().min(1).max(64).describe('Declared CUCM node name (one node: services are controlled per node)'),
      services: z.array(z.string().min(1).max(100)).min(1).max(10).describe('Exact service names, e.g. ["Cisco Tftp"]'),
      action: z.enum(CONTROL_TYPES).describe('Start, Stop or Restart'),
    },
    description: [
      'Start, stop or restart services on one CUCM node (Control Center soapDoControlServices). This changes production: the call answers with a change plan (current status of each service, what will change) that a person must approve;',
      'once approved it runs exactly once and is verified by reading the status back. Start and Stop can be undone with aibridge_change_revert; a Restart cannot. Your profile may limit which services and actions you can ask for.',
      'Example: {"node":"cucm-sub1","services":["Cisco Tftp"],"action":"Restart"}.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'write',
    outputSchema: svcOutput({
      node: z.string(), action: z.string(), return_code: z.string(), reason: z.string().optional(),
      services: z.array(loose({ name: z.string(), status: z.string(), reason: z.string(), start_time: z.string() })),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'control' },
    change: serviceControlChange(s),
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'] }); checkServiceNames(a.services); return { node: a.node, product: 'cucm', serviceabilityApi: 'control', services: a.services, serviceAction: a.action }; },
    async handler(a, ctx) {
      const node = s.registry.resolve(a.node, { products: ['cucm'] });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const r = await s.serviceability.controlServices(node, login, a.action, a.services, ctx.signal);
      return svcResult({ node: node.name, action: a.action, return_code: r.returnCode, ...(r.reason.trim() ? { reason: r.reason } : {}), services: r.services.map((x) => ({ name: x.name, status: x.status, reason: x.reason.trim(), start_time: x.startTime.trim() })) });
    },
  });
}
