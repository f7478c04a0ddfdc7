/**
 * @module PerfmonService (SVC-SAMPLES PerfmonService.wsdl): request builders, answer readers and
 * the counter-name syntax `\\host\Object(instance)\Counter`. Object, instance and counter names
 * are data: any printable text (`<`, `&`, `]]>` included) travels escaped by the XmlWriter and
 * comes back unchanged; only characters XML cannot carry, and the `\` that separates the parts
 * of a counter path, are refused.
 */
import { AppError } from '../../lib/errors.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { assertXmlSafe, soapEnvelope } from '../soap/soap-envelope.ts';
import { SERVICEABILITY_NS } from './log-collection.ts';
import { upstreamError } from '../upstream-error.ts';

export const PERFMON_PATH = '/perfmonservice2/services/PerfmonService';
/** Cisco's documented budget: "Current allowed rate for perfmon information is 80 requests per minute". */
export const PERFMON_DEFAULT_PER_MINUTE = 80;

export function checkPerfmonName(name: string, what: string): void {
  if (name.length === 0 || name.length > 256) throw new AppError('E_INPUT_INVALID', `PerfMon ${what} name must be 1-256 characters`, { hint: 'use names as cucm_perfmon_list reports them' });
  assertXmlSafe(name, `PerfMon ${what}`);
  if (name.includes('\\')) throw new AppError('E_INPUT_INVALID', `PerfMon ${what} name "${name.slice(0, 60)}" contains "\\", which separates the parts of a counter path`, { hint: 'give object, instance and counter names separately' });
}

/** `\\host\Object(instance)\Counter` (instance omitted for single-instance objects). */
export function counterPath(host: string, object: string, counter: string, instance?: string): string {
  checkPerfmonName(host, 'host');
  checkPerfmonName(object, 'object');
  checkPerfmonName(counter, 'counter');
  if (instance !== undefined) checkPerfmonName(instance, 'instance');
  return `\\\\${host}\\${object}${instance !== undefined ? `(${instance})` : ''}\\${counter}`;
}

/** Split a counter path into its parts (lenient: the instance may itself contain parentheses). */
export function splitCounterPath(path: string): { host: string; object: string; instance?: string; counter: string } {
  const m = /^\\\\([^\\]*)\\(.*)\\([^\\]*)$/.exec(path);
  if (!m) return { host: '', object: '', counter: path };
  const obj = m[2] ?? '';
  const open = obj.indexOf('(');
  if (open > 0 && obj.endsWith(')')) return { host: m[1] ?? '', object: obj.slice(0, open), instance: obj.slice(open + 1, -1), counter: m[3] ?? '' };
  return { host: m[1] ?? '', object: obj, counter: m[3] ?? '' };
}

function one(op: string, fields: [string, string][]): string {
  for (const [k, v] of fields) assertXmlSafe(v, k);
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open(`soap:${op}`);
    for (const [k, v] of fields) w.leaf(`soap:${k}`, v);
    w.close();
  });
}

export const buildListCounter = (host: string): string => one('perfmonListCounter', [['Host', host]]);
export function buildListInstance(host: string, object: string): string { checkPerfmonName(object, 'object'); return one('perfmonListInstance', [['Host', host], ['Object', object]]); }
export function buildCollectCounterData(host: string, object: string): string { checkPerfmonName(object, 'object'); return one('perfmonCollectCounterData', [['Host', host], ['Object', object]]); }
export const buildQueryCounterDescription = (path: string): string => one('perfmonQueryCounterDescription', [['Counter', path]]);
export const buildOpenSession = (): string => one('perfmonOpenSession', []);
export const buildCollectSessionData = (handle: string): string => one('perfmonCollectSessionData', [['SessionHandle', handle]]);
export const buildCloseSession = (handle: string): string => one('perfmonCloseSession', [['SessionHandle', handle]]);

export function buildAddCounter(handle: string, paths: readonly string[]): string {
  if (paths.length === 0) throw new AppError('E_INPUT_INVALID', 'No counter to add to the PerfMon session', { hint: 'name at least one counter' });
  assertXmlSafe(handle, 'SessionHandle');
  assertXmlSafe(paths, 'Counter');
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open('soap:perfmonAddCounter').leaf('soap:SessionHandle', handle).open('soap:ArrayOfCounter');
    for (const p of paths) w.open('soap:Counter').leaf('soap:Name', p).close();
    w.close().close();
  });
}

export interface CounterValue { name: string; object: string; instance?: string; counter: string; value: number; cstatus: number }
export interface PerfmonObject { name: string; multiInstance: boolean; counters: string[] }

/** perfmonCollectCounterDataReturn / perfmonCollectSessionDataReturn items (or RPC-style `item`s of older nodes). */
export function readCounterValues(value: XObject): CounterValue[] {
  const raw = value.perfmonCollectCounterDataReturn ?? value.perfmonCollectSessionDataReturn ?? xObj(value.ArrayOfCounterInfo)?.item;
  return xList(raw).map((r) => {
    const o = xObj(r) ?? {};
    const name = xText(o.Name);
    const p = splitCounterPath(name);
    return { name, object: p.object, ...(p.instance !== undefined ? { instance: p.instance } : {}), counter: p.counter, value: Number(xText(o.Value)) || 0, cstatus: Number(xText(o.CStatus)) || 0 };
  });
}

export function readObjects(value: XObject): PerfmonObject[] {
  return xList(value.perfmonListCounterReturn).map((r) => {
    const o = xObj(r) ?? {};
    return { name: xText(o.Name), multiInstance: xText(o.MultiInstance) === 'true', counters: xList(xObj(o.ArrayOfCounter)?.item).map((c) => xText(xObj(c)?.Name)) };
  });
}

export function readInstances(value: XObject): string[] {
  return xList(value.perfmonListInstanceReturn).map((r) => xText(xObj(r)?.Name));
}

export function readSessionHandle(value: XObject): string {
  const h = xText(value.perfmonOpenSessionReturn).trim();
  if (!h) throw upstreamError('malformed_answer', 'PerfMon opened a session without a handle', { hint: 'retry; check the Cisco RIS Data Collector service' });
  return h;
}
