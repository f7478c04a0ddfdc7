/**
 * @module PerfMon: cucm_perfmon_list (objects and counters, or one object's counters and
 * instances) and cucm_perfmon_collect (one shot, or a session over several samples for rates,
 * always closed), within the node's PerfMon budget.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoNode } from '../../cisco/cisco-node.ts';
import { buildCollectCounterData, buildListCounter, buildListInstance, buildQueryCounterDescription, checkPerfmonName, counterPath, readCounterValues, readInstances, readObjects } from '../../cisco/serviceability/perfmon.ts';
import type { CounterValue } from '../../cisco/serviceability/perfmon.ts';
import { ratesOf, runPerfmonSession, sessionCost } from '../../cisco/serviceability/perfmon-session.ts';
import { loose, svcOutput, svcResult } from './serviceability-common.ts';

const NODE = z.string().min(1).max(64).describe('Declared CUCM node name (PerfMon counters are per node)');
const NAME = z.string().min(1).max(256);

function values(v: CounterValue[]): Record<string, unknown>[] {
  // counter and value first: what an agent reads first.
  return v.map((c) => ({ counter: c.counter, value: c.value, ...(c.instance !== undefined ? { instance: c.instance } : {}), object: c.object, name: c.name, cstatus: c.cstatus }));
}

export function createPerfmonTools(s: CiscoServices): ToolDefinition[] {
  const resolve = (n: string): CiscoNode => s.registry.resolve(n, { products: ['cucm'] });
  const target = (a: { node: string }) => ({ node: a.node, product: 'cucm' as const, serviceabilityApi: 'perfmon' as const });
  const list = defineTool({
    name: 'cucm_perfmon_list', title: 'CUCM PerfMon objects and counters', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.perfmon',
    inputSchema: { node: NODE, object: NAME.optional().describe('One object, e.g. "Cisco CallManager": its counters and instances'), describe: z.boolean().default(false).describe('Also fetch each counter\'s description (one PerfMon request per counter, at most 20)') },
    description: 'List the PerfMon objects and counters of a CUCM node (perfmonListCounter), or for one object its counters, its instances (perfmonListInstance) and optionally their descriptions (perfmonQueryCounterDescription). Use the names with cucm_perfmon_collect. Example: {"node":"cucm-pub","object":"Cisco CallManager"}.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({
      node: z.string(), objects: z.array(loose({ object: z.string(), multi_instance: z.boolean(), counters: z.array(z.string()) })).optional(),
      object: z.string().optional(), multi_instance: z.boolean().optional(), instances: z.array(z.string()).optional(),
      counters: z.array(loose({ counter: z.string(), description: z.string().optional() })).optional(),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'perfmon' },
    target: (a) => { resolve(a.node); if (a.object !== undefined) checkPerfmonName(a.object, 'object'); return target(a); },
    async handler(a, ctx) {
      const node = resolve(a.node);
      const login = await loginFor(s, ctx.principal.clientName, node);
      const objects = readObjects(await s.serviceability.perfmon(node, login, 'perfmonListCounter', buildListCounter(node.name), ctx.signal));
      if (a.object === undefined) return svcResult({ node: node.name, objects: objects.map((o) => ({ object: o.name, multi_instance: o.multiInstance, counters: o.counters })) });
      const o = objects.find((x) => x.name === a.object);
      if (!o) throw new AppError('E_INPUT_INVALID', `Node "${node.name}" has no PerfMon object "${a.object.slice(0, 80)}"`, { hint: `objects: ${objects.map((x) => x.name).slice(0, 30).join(', ')}` });
      const instances = o.multiInstance ? readInstances(await s.serviceability.perfmon(node, login, 'perfmonListInstance', buildListInstance(node.name, o.name), ctx.signal)) : [];
      const descriptions: Record<string, string> = {};
      if (a.describe) {
        for (const c of o.counters.slice(0, 20)) {
          const v = await s.serviceability.perfmon(node, login, 'perfmonQueryCounterDescription', buildQueryCounterDescription(counterPath(node.name, o.name, c, instances[0])), ctx.signal);
          descriptions[c] = String(v.perfmonQueryCounterDescriptionReturn ?? '');
        }
      }
      return svcResult({ node: node.name, object: o.name, multi_instance: o.multiInstance, instances, counters: o.counters.map((c) => ({ counter: c, ...(descriptions[c] !== undefined ? { description: descriptions[c] } : {}) })) });
    },
  });

  const collect = defineTool({
    name: 'cucm_perfmon_collect', title: 'Collect CUCM PerfMon counters', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.perfmon',
    inputSchema: {
      node: NODE, object: NAME.describe('PerfMon object, e.g. "Cisco CallManager", "Processor"'),
      counters: z.array(NAME).max(50).optional().describe('Counter names; default every counter of the object'),
      instances: z.array(NAME).max(50).optional().describe('Instances of a multi-instance object; default all'),
      samples: z.number().int().min(1).max(10).default(1).describe('1 = one reading; 2-10 = a PerfMon session sampled that many times, with per-second rates'),
      interval_seconds: z.number().int().min(1).max(60).default(5).describe('Seconds between samples'),
    },
    description: [
      'Read PerfMon counters of a CUCM node: e.g. Cisco CallManager RegisteredHardwarePhones, CallsActive, CallsAttempted; Processor % CPU Time.',
      'samples=1 reads once (perfmonCollectCounterData); samples 2-10 open a PerfMon session, sample it at interval_seconds and give per-second rates; the session is always closed, also on error or cancellation.',
      'PerfMon allows 80 requests a minute per node for all clients together; a session costs samples+3. Example: {"node":"cucm-pub","object":"Cisco CallManager","counters":["CallsActive","RegisteredHardwarePhones"]}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({
      node: z.string(), object: z.string(), at: z.string().optional(), values: z.array(loose({ counter: z.string(), value: z.number(), instance: z.string().optional(), object: z.string(), name: z.string(), cstatus: z.number() })).optional().describe('samples=1'),
      samples: z.array(loose({ at: z.string(), values: z.array(loose({ counter: z.string(), value: z.number(), instance: z.string().optional(), object: z.string(), name: z.string(), cstatus: z.number() })) })).optional().describe('samples>1'), session_closed: z.boolean().optional(),
      rates_per_second: z.array(loose({ counter: z.string(), rate: z.number(), name: z.string() })).optional(),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'perfmon' },
    target: (a) => { resolve(a.node); checkPerfmonName(a.object, 'object'); for (const c of [...(a.counters ?? []), ...(a.instances ?? [])]) checkPerfmonName(c, 'counter or instance'); return target(a); },
    async handler(a, ctx) {
      const node = resolve(a.node);
      const login = await loginFor(s, ctx.principal.clientName, node);
      const pick = (v: CounterValue[]): CounterValue[] => v.filter((c) => (!a.counters || a.counters.includes(c.counter)) && (!a.instances || (c.instance !== undefined && a.instances.includes(c.instance))));
      const once = pick(readCounterValues(await s.serviceability.perfmon(node, login, 'perfmonCollectCounterData', buildCollectCounterData(node.name, a.object), ctx.signal)));
      if (a.counters) {
        const missing = a.counters.filter((c) => !once.some((v) => v.counter === c));
        if (missing.length) throw new AppError('E_INPUT_INVALID', `Object "${a.object.slice(0, 80)}" on node "${node.name}" has no counter ${JSON.stringify(missing.slice(0, 5))}`, { hint: 'cucm_perfmon_list with the object lists its counters' });
      }
      if (a.samples === 1) return svcResult({ node: node.name, object: a.object, at: new Date().toISOString(), values: values(once) });
      const cost = sessionCost(a.samples);
      const left = s.serviceability.perfmonBudget(node);
      if (left < cost) throw new AppError('E_RATE_LIMITED', `A ${a.samples}-sample PerfMon session needs ${cost} requests but only ${left} are left this minute on node "${node.name}"`, { hint: 'retry in a minute, or ask for fewer samples' });
      const paths = once.map((v) => v.name);
      const r = await runPerfmonSession((action, body, signal) => s.serviceability.perfmon(node, login, action, body, signal), { paths, samples: a.samples, intervalMs: a.interval_seconds * 1000, signal: ctx.signal });
      const rates = ratesOf(r, a.interval_seconds * 1000);
      return svcResult({
        node: node.name, object: a.object, samples: r.samples.map((x) => ({ at: x.at, values: values(x.values) })), session_closed: r.closed,
        rates_per_second: Object.entries(rates).map(([name, rate]) => ({ counter: r.samples[0]?.values.find((v) => v.name === name)?.counter ?? name, rate, name })),
      });
    },
  });
  return [list, collect];
}
