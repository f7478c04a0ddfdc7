/**
 * @module cucm_ris_devices: registration state from RisPort70, merged across CM nodes. More than
 * one RIS answer (1000 device items) is read by splitting the selection into name ranges
 * (cisco/ris/ris-split.ts), never by replaying StateInfo, which only tracks change. Codes are
 * decoded to names, times are ISO 8601, and a summary per status and node covers every device read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { RIS_DEVICE_CLASSES, RIS_SELECT_BY, RIS_STATUSES, checkRisItems } from '../../cisco/ris/ris-request.ts';
import type { RisDevice } from '../../cisco/ris/ris-answer.ts';
import { checkPending, collectRisDevices } from '../../cisco/ris/ris-split.ts';
import type { RisChunk } from '../../cisco/ris/ris-split.ts';
import { modelCode, modelName, productName, statusReason } from '../../cisco/ris/ris-codes.ts';

const MAX_CURSOR = 16_384;

interface CursorBody { v: 1; k: string; p: RisChunk[] }

/** Ties a cursor to the selection it continues (names, select_by, status, model, device_class). */
function selectionKey(a: { names: string[]; select_by: string; status: string; model: number; device_class: string }): string {
  return createHash('sha256').update(JSON.stringify([a.names, a.select_by, a.status, a.model, a.device_class])).digest('base64url').slice(0, 16);
}

function encodeCursor(key: string, pending: RisChunk[]): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key, p: pending } satisfies CursorBody)).toString('base64url');
}

/**
 * A cursor comes from the agent, so it is checked like any input: its shape, the selection it was
 * made for, and every item in it must narrow one of `names` (it can never widen what is read).
 */
function decodeCursor(cursor: string, key: string, names: string[]): RisChunk[] {
  const bad = (why: string): AppError => new AppError('E_INPUT_INVALID', `Invalid cursor: ${why}`, { hint: 'pass the cursor of the previous answer unchanged, with the same names, select_by, status, model and device_class' });
  let body: unknown;
  try { body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { throw bad('not a cursor of this tool'); }
  const b = body as Partial<CursorBody>;
  if (b === null || typeof b !== 'object' || b.v !== 1 || !Array.isArray(b.p) || b.p.length === 0 || b.p.length > 1000) throw bad('not a cursor of this tool');
  if (b.k !== key) throw bad('it belongs to another selection');
  const pending = b.p.map((c): RisChunk => {
    if (c === null || typeof c !== 'object' || !Array.isArray(c.items) || !c.items.every((i) => typeof i === 'string') || (c.after !== undefined && typeof c.after !== 'string')) throw bad('malformed');
    return { items: c.items, ...(c.after !== undefined ? { after: c.after } : {}) };
  });
  checkPending(pending, names);
  return pending;
}

function iso(epochSeconds: number): string {
  return epochSeconds > 0 ? new Date(epochSeconds * 1000).toISOString() : '';
}

/** The device as the agent sees it: codes with their names, the reason explained, the time in ISO 8601. */
function present(d: RisDevice): Record<string, unknown> {
  const reason = statusReason(d.statusReason);
  return {
    name: d.name, status: d.status, statusReason: d.statusReason, ...(reason ? { statusReasonName: reason.name, ...(d.status !== 'Registered' ? { statusReasonMeaning: reason.meaning } : {}) } : {}),
    cmNode: d.cmNode, deviceClass: d.deviceClass, model: d.model, ...(modelName(d.model) ? { modelName: modelName(d.model) } : {}),
    ...(d.product ? { product: d.product, ...(productName(d.product) ? { productName: productName(d.product) } : {}) } : {}),
    protocol: d.protocol, dirNumber: d.dirNumber, description: d.description, ip: d.ip, activeLoad: d.activeLoad, timeStamp: iso(d.timeStamp),
  };
}

function summarise(devices: RisDevice[]): { by_status: Record<string, number>; by_node: Record<string, number>; by_model: Record<string, number> } {
  const by = (f: (d: RisDevice) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const d of devices) { const k = f(d) || 'Unknown'; out[k] = (out[k] ?? 0) + 1; }
    return out;
  };
  return { by_status: by((d) => d.status), by_node: by((d) => d.cmNode), by_model: by((d) => modelName(d.model) ?? d.model) };
}

export function createRisTools(s: CiscoServices): ToolDefinition[] {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared CUCM node or cluster name'),
    names: z.array(z.string().max(128)).max(1000).default(['*']).describe('Items to select; "*" is a wildcard, e.g. ["SEP0011*"]'),
    select_by: z.enum(RIS_SELECT_BY).default('Name').describe('What "names" holds: Name, IPV4Address, DirNumber, Description…'),
    status: z.enum(RIS_STATUSES).default('Any'),
    model: z.union([z.number().int().min(0).max(65535), z.string().min(1).max(64)]).default(255).describe('Model code or name, e.g. 36224 or "Cisco 8845"; 255 = any'),
    device_class: z.enum(RIS_DEVICE_CLASSES).default('Phone'),
    max: z.number().int().min(0).max(1000).default(200).describe('Devices to return in this answer; 0 = none, only the summary of the whole selection'),
    cursor: z.string().max(MAX_CURSOR).optional().describe('cursor from the previous answer, to read on where it stopped'),
    max_requests: z.number().int().min(1).max(30).default(10).describe('RIS requests this call may make (RIS throttles per minute; each request reads up to 1000 devices)'),
  };
  return [defineTool({
    name: 'cucm_ris_devices', title: 'CUCM device registration (RIS)', product: 'cucm', protocol: 'ris', rateCategory: 'ris', inputSchema: shape,
    description: [
      'Look up real-time registration of CUCM devices (RisPort70 selectCmDevice): status with its reason, IP address, CM node, model, protocol, load, per device,',
      'plus a summary per status, node and model of every device read. Select by name (wildcards with *), IP, directory number or description; filter by status, model and device class.',
      'Selections over 1000 devices are read in name ranges automatically; devices seen on several CM nodes are merged (newest entry wins).',
      'When "complete" is false, pass "cursor" back (with the same selection) to read on. Use max 0 for only the summary of the whole selection.',
      'Example: {"node":"cluster1","names":["SEP0011*"],"status":"UnRegistered"}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: ciscoOutput({
      node: z.string(), total_found: z.number().int().describe('distinct devices read by this call'), returned: z.number().int(), complete: z.boolean(),
      cursor: z.string().optional(), stopped_by: z.string().optional(), requests: z.number().int(),
      summary: z.object({ by_status: z.record(z.string(), z.number()), by_node: z.record(z.string(), z.number()), by_model: z.record(z.string(), z.number()) }),
      merged_duplicates: z.number().int().optional(), cm_nodes: z.record(z.string(), z.string()),
    }, z.array(z.record(z.string(), z.unknown()))),
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); checkRisItems(a.names); return { node: a.node, product: 'cucm', risDeviceClasses: [a.device_class], risStatuses: [a.status] }; },
    async handler(a, ctx) {
      const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
      const model = typeof a.model === 'number' ? a.model : modelCode(a.model);
      if (model === undefined) throw new AppError('E_INPUT_INVALID', `Unknown model "${String(a.model).slice(0, 64)}"`, { hint: 'give the model code (e.g. 36224) or a name such as "Cisco 8845"; 255 = any' });
      const key = selectionKey({ names: a.names, select_by: a.select_by, status: a.status, model, device_class: a.device_class });
      const pending = a.cursor ? decodeCursor(a.cursor, key, a.names) : undefined;
      const login = await loginFor(s, ctx.principal.clientName, node);
      const r = await collectRisDevices(
        (query) => s.ris.select({ node, login, signal: ctx.signal, query }),
        { items: a.names, selectBy: a.select_by, deviceClass: a.device_class, status: a.status, model },
        { want: a.max, maxRequests: a.max_requests, signal: ctx.signal, ...(pending ? { pending } : {}) },
      );
      // RBAC applied to the answer too: nothing outside the class/status that was authorised.
      const allowed = (d: RisDevice): boolean => (a.device_class === 'Any' || d.deviceClass === a.device_class) && (a.status === 'Any' || d.status === a.status);
      const devices = r.devices.filter(allowed);
      const read = r.read.filter(allowed);
      const hint = r.complete ? (r.capped.length ? `${r.capped.length} selection(s) still held more than 1000 devices and could not be narrowed by name; narrow by model or names` : undefined)
        : r.stoppedBy === 'rate_limit' ? `RIS throttled the reading (${r.rateLimitHint ?? 'wait about a minute'}); pass the cursor to read on`
          : r.stoppedBy === 'request_budget' ? `stopped after ${r.requests} RIS requests (max_requests); pass the cursor to read on`
            : 'more devices follow; pass the cursor to read on';
      return ciscoResult({
        node: node.name, total_found: read.length, returned: devices.length, complete: r.complete, ...(r.complete ? {} : { cursor: encodeCursor(key, r.pending) }),
        ...(r.stoppedBy && !r.complete ? { stopped_by: r.stoppedBy } : {}), requests: r.requests, summary: summarise(read),
        ...(r.mergedDuplicates ? { merged_duplicates: r.mergedDuplicates } : {}), cm_nodes: r.nodeCodes, ...(hint ? { hint } : {}),
      }, devices.map(present));
    },
  })];
}
