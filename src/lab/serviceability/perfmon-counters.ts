/**
 * @module PerfMon objects of a lab node, computed from the live lab state at the moment asked:
 * `Cisco CallManager\RegisteredHardwarePhones` is the number of phones RIS reports registered
 * to that node (0 while its CallManager is stopped); call counters come from the lab's calls.
 * Shared by PerfmonService and `show perf query`.
 */
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { LabCall } from './lab-calls.ts';
import type { LabServices } from './service-state.ts';

export interface PerfObject { name: string; multiInstance: boolean; instances: string[]; counters: Record<string, string> }

export interface CounterContext { node: LabNode; data: LabData; calls: readonly LabCall[]; services: LabServices; now: number }

/** Phones RIS reports as Registered to `node` (none while its CallManager is stopped). */
export function registeredOn(data: LabData, services: LabServices, node: string): number {
  if (!services.running(node, 'Cisco CallManager')) return 0;
  let n = 0;
  for (const r of data.registrations.values()) if (r.node === node && r.status === 'Registered') n++;
  return n;
}

export function perfObjects(ctx: CounterContext): PerfObject[] {
  const { node } = ctx;
  const d = (text: string): string => text;
  const common: PerfObject[] = [
    { name: 'Processor', multiInstance: true, instances: ['_Total', '0', '1'], counters: { '% CPU Time': d('Percentage of time the processor is executing a non-idle thread'), 'Idle Percentage': d('Percentage of time the processor is idle'), 'User Percentage': d('Percentage of time spent in user mode'), 'System Percentage': d('Percentage of time spent in system mode') } },
    { name: 'Memory', multiInstance: false, instances: [], counters: { '% Mem Used': d('Percentage of system memory in use'), 'Used Mbytes': d('Memory in use, in megabytes'), 'Total Mbytes': d('Total memory, in megabytes') } },
  ];
  if (node.product !== 'cucm') return common;
  const cm: PerfObject = {
    name: 'Cisco CallManager', multiInstance: false, instances: [], counters: {
      RegisteredHardwarePhones: 'The number of Cisco hardware IP phones currently registered in the system',
      RegisteredOtherStationDevices: 'The number of station devices other than Cisco hardware IP phones currently registered',
      PartiallyRegisteredPhone: 'The number of partially registered phones',
      CallsActive: 'The number of voice or video streaming connections currently in use (calls connected)',
      CallsInProgress: 'The number of voice or video calls currently in progress, including active calls',
      CallsAttempted: 'The total number of attempted calls since the CallManager service started',
      CallsCompleted: 'The number of calls actually connected (a voice path was established) since the service started',
      RegisteredMGCPGateway: 'The number of MGCP gateways currently registered',
      VCBConferencesActive: 'The total number of video conferences active on all video conference bridges',
    },
  };
  const sip: PerfObject = { name: 'Cisco SIP', multiInstance: true, instances: ctx.data.sites.map((s) => `SIP-PSTN-${s}`), counters: { CallsActive: 'Calls active on this SIP trunk', CallsAttempted: 'Calls attempted on this SIP trunk', CallsCompleted: 'Calls completed on this SIP trunk', CallsInProgress: 'Calls in progress on this SIP trunk' } };
  return [cm, sip, ...common];
}

/** Values of one object (instance → counter → value) at ctx.now. */
export function perfValues(ctx: CounterContext, object: PerfObject): Map<string | undefined, Record<string, number>> {
  const { node, now } = ctx;
  const s = now / 1000;
  const out = new Map<string | undefined, Record<string, number>>();
  const wobble = (k: number): number => Math.round(3 + 2 * Math.sin(s / 97 + k));
  if (object.name === 'Cisco CallManager') {
    const up = ctx.services.running(node.name, 'Cisco CallManager');
    const mine = ctx.calls.filter((c) => c.caller.node === node.name && c.origination <= s);
    const active = up ? mine.filter((c) => c.connect && c.connect <= s && s < c.disconnect).length : 0;
    const inProgress = up ? mine.filter((c) => s < c.disconnect).length : 0;
    out.set(undefined, {
      RegisteredHardwarePhones: registeredOn(ctx.data, ctx.services, node.name), RegisteredOtherStationDevices: 0, PartiallyRegisteredPhone: 0,
      CallsActive: active, CallsInProgress: inProgress, CallsAttempted: up ? mine.length : 0, CallsCompleted: up ? mine.filter((c) => c.connect && c.disconnect <= s).length : 0,
      RegisteredMGCPGateway: 0, VCBConferencesActive: 0,
    });
  } else if (object.name === 'Cisco SIP') {
    for (const i of object.instances) out.set(i, { CallsActive: 0, CallsAttempted: 0, CallsCompleted: 0, CallsInProgress: 0 });
  } else if (object.name === 'Processor') {
    object.instances.forEach((i, k) => { const cpu = wobble(k) + 4; out.set(i, { '% CPU Time': cpu, 'Idle Percentage': 100 - cpu, 'User Percentage': cpu - 2, 'System Percentage': 2 }); });
  } else if (object.name === 'Memory') {
    out.set(undefined, { '% Mem Used': 60 + wobble(9), 'Used Mbytes': 4900 + wobble(3) * 10, 'Total Mbytes': 8008 });
  }
  return out;
}
