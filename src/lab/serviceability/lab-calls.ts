/**
 * @module The calls the lab's phones make, derived from the seed: one every 60-150 s from three
 * hours before the lab started until a day after, between registered phones (and a few to
 * unallocated numbers). Trace files, CDR/CMR files, PerfMon call counters and the phones'
 * streaming statistics are all views of this one list, filtered by the current time.
 */
import { Prng } from '../prng.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { LabData } from '../lab-data.ts';

export interface CallParty { device: string; dn: string; ip: string; node: string; name: string }

export interface LabCall {
  /** globalCallID_callId (unique per cluster). */
  id: number;
  caller: CallParty;
  /** Undefined for a call to a number nobody has (cause 1). */
  callee: CallParty | undefined;
  dialed: string;
  /** Epoch seconds. */
  origination: number;
  connect: number;
  disconnect: number;
  origCause: number;
  destCause: number;
  /** MOS (MLQK) per side, for answered calls. */
  mosCaller?: number;
  mosCallee?: number;
  sipCallId: string;
}

const BEFORE_S = 3 * 3600;
const AFTER_S = 24 * 3600;

export function parties(data: LabData): CallParty[] {
  const out: CallParty[] = [];
  for (const phone of data.axl.all('Phone')) {
    const device = xText(phone.name);
    const reg = data.registrations.get(device.toUpperCase());
    if (!reg || reg.status !== 'Registered') continue;
    const line = xObj(xList(xObj(phone.lines)?.line)[0]);
    out.push({ device, dn: xText(xObj(line?.dirn)?.pattern), ip: reg.ip, node: reg.node, name: xText(line?.display) || device });
  }
  return out;
}

export function buildCalls(data: LabData, startedAtMs: number): LabCall[] {
  const rng = new Prng(data.seed ^ 0xca11);
  const ps = parties(data);
  const calls: LabCall[] = [];
  if (ps.length < 2) return calls;
  const start = Math.floor(startedAtMs / 1000);
  let t = start - BEFORE_S;
  let id = 10_001;
  while (t < start + AFTER_S) {
    t += 60 + rng.int(90);
    const caller = rng.pick(ps);
    let callee: CallParty | undefined = rng.pick(ps);
    if (callee.device === caller.device) callee = ps[(ps.indexOf(caller) + 1) % ps.length];
    const roll = rng.next();
    let call: LabCall;
    const base = { id: id++, caller, origination: t, sipCallId: `${rng.hex(8).toLowerCase()}-${rng.hex(8).toLowerCase()}@${caller.ip}` };
    if (roll < 0.05) {
      call = { ...base, callee: undefined, dialed: `1${rng.int(9)}${rng.int(9)}${rng.int(9)}9`, connect: 0, disconnect: t + 1, origCause: 0, destCause: 1 };
    } else if (roll < 0.15) {
      call = { ...base, callee, dialed: callee!.dn, connect: 0, disconnect: t + 2, origCause: 0, destCause: 17 };
    } else if (roll < 0.25) {
      call = { ...base, callee, dialed: callee!.dn, connect: 0, disconnect: t + 12 + rng.int(20), origCause: 16, destCause: 0 };
    } else if (roll < 0.28) {
      call = { ...base, callee, dialed: callee!.dn, connect: 0, disconnect: t + 30, origCause: 0, destCause: 19 };
    } else {
      const ring = 2 + rng.int(10);
      const talk = 15 + rng.int(600);
      const callerHangs = rng.next() < 0.5;
      // Most calls sound fine; a few have a bad leg (one-way audio, loss) with a low MOS.
      const bad = rng.next() < 0.08;
      call = {
        ...base, callee, dialed: callee!.dn, connect: t + ring, disconnect: t + ring + talk, origCause: callerHangs ? 16 : 0, destCause: callerHangs ? 0 : 16,
        mosCaller: Math.round((bad ? 2.1 + rng.next() : 3.9 + rng.next() * 0.6) * 100) / 100, mosCallee: Math.round((3.9 + rng.next() * 0.6) * 100) / 100,
      };
    }
    calls.push(call);
  }
  return calls;
}

/** Calls in progress at `nowS` that involve a node (as caller or callee side). */
export function activeCalls(calls: readonly LabCall[], nowS: number, node?: string): LabCall[] {
  return calls.filter((c) => c.origination <= nowS && nowS < c.disconnect && (node === undefined || c.caller.node === node || c.callee?.node === node));
}
