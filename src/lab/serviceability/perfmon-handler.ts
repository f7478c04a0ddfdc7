/**
 * @module PerfmonService of a lab node: list counters and instances, describe a counter, collect an
 * object's counters, and sessions (open, add, collect, remove, close; unknown handles fault), with
 * Cisco's per-minute budget and its fault text (`perfmon:rate:N`, default 80).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import { sendXml } from '../http-util.ts';
import { findAll, findText, op, readSvcRequest, sendFault, svcEnvelope } from './svc-soap.ts';
import { perfObjects, perfValues } from './perfmon-counters.ts';
import type { PerfObject } from './perfmon-counters.ts';

/** Sessions a node keeps at most (CUCM limits open sessions; clients must close theirs). */
export const MAX_SESSIONS = 50;

function parsePath(path: string): { host: string; object: string; instance?: string; counter: string } | undefined {
  const m = /^\\\\([^\\]+)\\(.+)\\([^\\]+)$/.exec(path);
  if (!m) return undefined;
  const obj = m[2]!;
  const i = obj.indexOf('(');
  return i > 0 && obj.endsWith(')') ? { host: m[1]!, object: obj.slice(0, i), instance: obj.slice(i + 1, -1), counter: m[3]! } : { host: m[1]!, object: obj, counter: m[3]! };
}

export interface PerfmonHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Open sessions (tests check that clients close theirs). */
  openSessions(): number;
}

export function createPerfmonHandler(opts: { node: LabNode; data: LabData; faults: FaultDice }): PerfmonHandler {
  const { node, data, faults } = opts;
  const recent: number[] = [];
  const sessions = new Map<string, string[]>();
  const ctx = (): Parameters<typeof perfObjects>[0] => ({ node, data, calls: data.calls, services: data.services, now: Date.now() });
  const objectNamed = (name: string): PerfObject | undefined => perfObjects(ctx()).find((o) => o.name === name);
  const hostOk = (h: string | undefined): boolean => h !== undefined && (h.trim() === node.name || h.trim() === node.host);
  const writeValue = (w: XmlWriter, tag: string, name: string, value: number | undefined): void => {
    w.open(`ns1:${tag}`).leaf('ns1:Name', name).leaf('ns1:Value', String(value ?? 0)).leaf('ns1:CStatus', value === undefined ? '2' : '1').close();
  };
  const valueOf = (path: string): number | undefined => {
    const p = parsePath(path);
    if (!p || !hostOk(p.host)) return undefined;
    const o = objectNamed(p.object);
    return o ? perfValues(ctx(), o).get(p.instance)?.[p.counter] : undefined;
  };
  const handler = async function handlePerfmon(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readSvcRequest(req, res, { data, faults, realm: 'Cisco Perfmon' });
    if (!body) return;
    const now = Date.now();
    while (recent.length > 0 && now - recent[0]! > 60_000) recent.shift();
    const limit = faults.plan.perfmonPerMinute;
    if (limit > 0 && recent.length >= limit) {
      sendFault(res, `Exceeded allowed rate for Perfmon information. Current allowed rate for perfmon information is ${limit} requests per minute.PerfmonService`);
      return;
    }
    recent.push(now);
    if (!data.services.running(node.name, 'Cisco RIS Data Collector')) { sendFault(res, 'Cisco RIS Data Collector is not running; PerfMon data is not available'); return; }
    const c = ctx();
    switch (body.name) {
      case 'perfmonListCounter': {
        if (!hostOk(findText(body, 'Host'))) { sendFault(res, 'Host is not this node', 'soapenv:Client'); return; }
        sendXml(res, 200, svcEnvelope((w) => {
          op(w, 'perfmonListCounterResponse');
          for (const o of perfObjects(c)) {
            w.open('ns1:perfmonListCounterReturn').leaf('ns1:Name', o.name).leaf('ns1:MultiInstance', String(o.multiInstance)).open('ns1:ArrayOfCounter');
            for (const k of Object.keys(o.counters)) w.open('ns1:item').leaf('ns1:Name', k).close();
            w.close().close();
          }
          w.close();
        }));
        return;
      }
      case 'perfmonListInstance': {
        const o = objectNamed((findText(body, 'Object') ?? '').trim());
        if (!hostOk(findText(body, 'Host')) || !o) { sendFault(res, 'Host or Object not found', 'soapenv:Client'); return; }
        sendXml(res, 200, svcEnvelope((w) => { op(w, 'perfmonListInstanceResponse'); for (const i of o.instances) w.open('ns1:perfmonListInstanceReturn').leaf('ns1:Name', i).close(); w.close(); }));
        return;
      }
      case 'perfmonQueryCounterDescription': {
        const p = parsePath((findText(body, 'Counter') ?? '').trim());
        const text = p && hostOk(p.host) ? objectNamed(p.object)?.counters[p.counter] : undefined;
        if (text === undefined) { sendFault(res, 'Counter not found', 'soapenv:Client'); return; }
        sendXml(res, 200, svcEnvelope((w) => { op(w, 'perfmonQueryCounterDescriptionResponse').leaf('ns1:perfmonQueryCounterDescriptionReturn', text).close(); }));
        return;
      }
      case 'perfmonCollectCounterData': {
        const o = objectNamed((findText(body, 'Object') ?? '').trim());
        if (!hostOk(findText(body, 'Host')) || !o) { sendFault(res, 'Host or Object not found', 'soapenv:Client'); return; }
        sendXml(res, 200, svcEnvelope((w) => {
          op(w, 'perfmonCollectCounterDataResponse');
          for (const [inst, values] of perfValues(c, o)) {
            for (const [k, v] of Object.entries(values)) writeValue(w, 'perfmonCollectCounterDataReturn', `\\\\${node.name}\\${o.name}${inst !== undefined ? `(${inst})` : ''}\\${k}`, v);
          }
          w.close();
        }));
        return;
      }
      case 'perfmonOpenSession': {
        if (sessions.size >= MAX_SESSIONS) { sendFault(res, 'Maximum number of PerfMon sessions reached'); return; }
        const h = `{${randomUUID().toUpperCase()}}`;
        sessions.set(h, []);
        sendXml(res, 200, svcEnvelope((w) => { op(w, 'perfmonOpenSessionResponse').leaf('ns1:perfmonOpenSessionReturn', h).close(); }));
        return;
      }
      case 'perfmonAddCounter':
      case 'perfmonRemoveCounter':
      case 'perfmonCollectSessionData':
      case 'perfmonCloseSession': {
        const h = (findText(body, 'SessionHandle') ?? '').trim();
        const list = sessions.get(h);
        if (!list) { sendFault(res, `Invalid session handle ${h}`, 'soapenv:Client'); return; }
        const names = findAll(body, 'Counter').map((e) => (findText(e, 'Name') ?? '').trim());
        if (body.name === 'perfmonAddCounter') {
          const bad = names.find((n) => valueOf(n) === undefined);
          if (bad !== undefined) { sendFault(res, `Counter ${bad} not found`, 'soapenv:Client'); return; }
          list.push(...names.filter((n) => !list.includes(n)));
        } else if (body.name === 'perfmonRemoveCounter') {
          sessions.set(h, list.filter((n) => !names.includes(n)));
        } else if (body.name === 'perfmonCloseSession') {
          sessions.delete(h);
        } else {
          sendXml(res, 200, svcEnvelope((w) => { op(w, 'perfmonCollectSessionDataResponse'); for (const n of list) writeValue(w, 'perfmonCollectSessionDataReturn', n, valueOf(n)); w.close(); }));
          return;
        }
        sendXml(res, 200, svcEnvelope((w) => { op(w, `${body.name}Response`).close(); }));
        return;
      }
      default:
        sendFault(res, `No such operation '${body.name}'`, 'soapenv:Client');
    }
  } as PerfmonHandler;
  handler.openSessions = () => sessions.size;
  return handler;
}
