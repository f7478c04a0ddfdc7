/**
 * @module LogCollectionPortTypeService (SVC-SAMPLES LogCollectionPortTypeService.wsdl): the
 * listNodeServiceLogs, selectLogFiles and GetOneFile requests, written with the escaping
 * XmlWriter, and lenient readers of their answers. Also the two strings the service wants in
 * its own formats: dates as `MM/DD/YY hh:mm AM` in the client's zone, and the TimeZone string
 * `Client: (GMT±H:M)<IANA zone>` that RTMT sends.
 */
import { AppError } from '../../lib/errors.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { assertXmlSafe, soapEnvelope } from '../soap/soap-envelope.ts';

export const SERVICEABILITY_NS = 'http://schemas.cisco.com/ast/soap';
export const LOG_COLLECTION_PATH = '/logcollectionservice2/services/LogCollectionPortTypeService';
export const DIME_GET_FILE_PATH = '/logcollectionservice/services/DimeGetFileService';

/** Service log names as listNodeServiceLogs reports them; printable, no markup characters needed. */
const SERVICE_NAME = /^[A-Za-z0-9 ()&/._+-]{1,100}$/;

/** Trace presets: what an engineer asks for by problem rather than by service name. */
export const LOG_PRESETS: Record<string, readonly string[]> = {
  sip: ['Cisco CallManager', 'Cisco CTIManager'],
  cti: ['Cisco CTIManager', 'Cisco Extended Functions'],
  syslog: ['Cisco Syslog Agent'],
  curri: ['Cisco CallManager', 'Cisco External Call Control'],
};

export function checkServiceNames(names: readonly string[], what = 'service'): void {
  for (const n of names) {
    if (!SERVICE_NAME.test(n)) throw new AppError('E_INPUT_INVALID', `Invalid ${what} name "${n.slice(0, 60)}"`, { hint: 'use names as cucm_log_services lists them, e.g. "Cisco CallManager"' });
  }
}

/** Offset of `zone` from UTC at `at`, in minutes (Intl; throws E_INPUT_INVALID for unknown zones). */
export function zoneOffsetMinutes(zone: string, at: Date): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  } catch {
    throw new AppError('E_INPUT_INVALID', `Unknown time zone "${zone.slice(0, 60)}"`, { hint: 'use an IANA zone name such as UTC, Europe/London or America/New_York' });
  }
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** `Client: (GMT+5:30)Asia/Kolkata`, `Client: (GMT-8:0)America/Los_Angeles`: the offset in force at `at`. */
export function timeZoneString(zone: string, at: Date): string {
  const off = zoneOffsetMinutes(zone, at);
  const abs = Math.abs(off);
  return `Client: (GMT${off < 0 ? '-' : '+'}${Math.floor(abs / 60)}:${abs % 60})${zone}`;
}

/** `10/05/22 11:05 AM` in `zone`: the FromDate/ToDate format selectLogFiles parses. */
export function logDate(at: Date, zone: string): string {
  const local = new Date(at.getTime() + zoneOffsetMinutes(zone, at) * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const h = local.getUTCHours();
  return `${p2(local.getUTCMonth() + 1)}/${p2(local.getUTCDate())}/${p2(local.getUTCFullYear() % 100)} ${p2(h % 12 === 0 ? 12 : h % 12)}:${p2(local.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

export function buildListNodeServiceLogs(): string {
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => { w.open('soap:listNodeServiceLogs').leaf('soap:ListRequest', undefined).close(); });
}

export interface LogSelection { services: readonly string[]; systemLogs?: readonly string[]; from: Date; to: Date; zone: string }

/** selectLogFiles with every element of SchemaFileSelectionCriteria in the WSDL's order (download to client, no SFTP push). */
export function buildSelectLogFiles(sel: LogSelection): string {
  checkServiceNames(sel.services);
  checkServiceNames(sel.systemLogs ?? [], 'system log');
  const tz = timeZoneString(sel.zone, sel.from);
  assertXmlSafe(tz, 'TimeZone');
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open('soap:selectLogFiles').open('soap:FileSelectionCriteria').open('soap:ServiceLogs');
    for (const s of sel.services) w.leaf('soap:item', s);
    w.close().open('soap:SystemLogs');
    for (const s of sel.systemLogs ?? []) w.leaf('soap:item', s);
    w.close()
      .leaf('soap:SearchStr', undefined).leaf('soap:Frequency', 'OnDemand').leaf('soap:JobType', 'DownloadtoClient')
      .leaf('soap:ToDate', logDate(sel.to, sel.zone)).leaf('soap:FromDate', logDate(sel.from, sel.zone)).leaf('soap:TimeZone', tz)
      .leaf('soap:RelText', 'None').leaf('soap:RelTime', '0').leaf('soap:Port', '0').leaf('soap:IPAddress', undefined)
      .leaf('soap:UserName', undefined).leaf('soap:Password', undefined).leaf('soap:ZipInfo', 'false').leaf('soap:RemoteFolder', undefined)
      .close().close();
  });
}

/** GetOneFile: the document/literal body is the FileName element itself (WSDL message GetOneFileRequest). */
export function buildGetOneFile(path: string): string {
  assertXmlSafe(path, 'FileName');
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => { w.leaf('soap:FileName', path); });
}

export interface LogFile { name: string; path: string; size: number; modified: string; service: string }
export interface NodeServiceLogs { node: string; services: string[]; systemLogs: string[] }

function items(v: XValue | undefined): string[] {
  return xList(xObj(v)?.item).map((i) => xText(i).trim()).filter((s) => s !== '');
}

/** listNodeServiceLogsResponse: one entry per cluster node. */
export function readNodeServiceLogs(value: XObject): NodeServiceLogs[] {
  return xList(value.listNodeServiceLogsReturn).map((r) => {
    const o = xObj(r) ?? {};
    return { node: xText(o.name), services: items(o.ServiceLog), systemLogs: items(o.SystemLog) };
  });
}

/** selectLogFilesResponse/ResultSet/SchemaFileSelectionResult/Node/ServiceList/ServiceLogs/SetOfFiles/File, capped at `max` files. */
export function readSelectedFiles(value: XObject, max: number): { node: string; files: LogFile[]; truncated: boolean } {
  const node = xObj(xObj(xObj(value.ResultSet)?.SchemaFileSelectionResult)?.Node);
  const files: LogFile[] = [];
  let truncated = false;
  for (const sl of xList(xObj(node?.ServiceList)?.ServiceLogs)) {
    const o = xObj(sl);
    const service = xText(o?.name);
    for (const f of xList(xObj(o?.SetOfFiles)?.File)) {
      const fo = xObj(f);
      if (!fo) continue;
      if (files.length >= max) { truncated = true; break; }
      files.push({ name: xText(fo.name), path: xText(fo.absolutepath), size: Number(xText(fo.filesize)) || 0, modified: xText(fo.modifiedDate), service });
    }
  }
  return { node: xText(node?.name), files, truncated };
}
