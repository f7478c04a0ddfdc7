/**
 * @module The CDR repository of the lab's CUCM cluster: one CDR and one CMR flat file per minute
 * in which calls ended (CDR File Time Interval 1 min), in the CDR Administration Guide format
 * (header row, type row, quoted CSV), written once the minute has passed.
 */
import type { LabCall, CallParty } from './lab-calls.ts';

export const CDR_DIR = '/var/log/active/cm/cdr_repository/processed';

const CDR_FIELDS: ReadonlyArray<[string, string]> = [
  ['cdrRecordType', 'INTEGER'], ['globalCallID_callManagerId', 'INTEGER'], ['globalCallID_callId', 'INTEGER'], ['origLegCallIdentifier', 'INTEGER'],
  ['dateTimeOrigination', 'INTEGER'], ['origNodeId', 'INTEGER'], ['origSpan', 'INTEGER'], ['origIpAddr', 'INTEGER'], ['callingPartyNumber', 'VARCHAR(50)'],
  ['callingPartyUnicodeLoginUserID', 'VARCHAR(128)'], ['origCause_location', 'INTEGER'], ['origCause_value', 'INTEGER'], ['origPrecedenceLevel', 'INTEGER'],
  ['origMediaTransportAddress_IP', 'INTEGER'], ['origMediaTransportAddress_Port', 'INTEGER'], ['origMediaCap_payloadCapability', 'INTEGER'],
  ['destLegIdentifier', 'INTEGER'], ['destNodeId', 'INTEGER'], ['destSpan', 'INTEGER'], ['destIpAddr', 'INTEGER'], ['originalCalledPartyNumber', 'VARCHAR(50)'],
  ['finalCalledPartyNumber', 'VARCHAR(50)'], ['destCause_location', 'INTEGER'], ['destCause_value', 'INTEGER'], ['destMediaTransportAddress_IP', 'INTEGER'],
  ['destMediaTransportAddress_Port', 'INTEGER'], ['dateTimeConnect', 'INTEGER'], ['dateTimeDisconnect', 'INTEGER'], ['lastRedirectDn', 'VARCHAR(50)'],
  ['pkid', 'UNIQUEIDENTIFIER'], ['originalCalledPartyNumberPartition', 'VARCHAR(50)'], ['callingPartyNumberPartition', 'VARCHAR(50)'],
  ['finalCalledPartyNumberPartition', 'VARCHAR(50)'], ['duration', 'INTEGER'], ['origDeviceName', 'VARCHAR(129)'], ['destDeviceName', 'VARCHAR(129)'],
  ['origCallTerminationOnBehalfOf', 'INTEGER'], ['destCallTerminationOnBehalfOf', 'INTEGER'], ['comment', 'VARCHAR(2048)'],
];

const CMR_FIELDS: ReadonlyArray<[string, string]> = [
  ['cdrRecordType', 'INTEGER'], ['globalCallID_callManagerId', 'INTEGER'], ['globalCallID_callId', 'INTEGER'], ['nodeId', 'INTEGER'], ['directoryNum', 'VARCHAR(50)'],
  ['callIdentifier', 'INTEGER'], ['dateTimeStamp', 'INTEGER'], ['numberPacketsSent', 'INTEGER'], ['numberOctetsSent', 'INTEGER'], ['numberPacketsReceived', 'INTEGER'],
  ['numberOctetsReceived', 'INTEGER'], ['numberPacketsLost', 'INTEGER'], ['jitter', 'INTEGER'], ['latency', 'INTEGER'], ['pkid', 'UNIQUEIDENTIFIER'],
  ['directoryNumPartition', 'VARCHAR(50)'], ['globalCallId_ClusterID', 'VARCHAR(50)'], ['deviceName', 'VARCHAR(129)'], ['varVQMetrics', 'VARCHAR(600)'],
];

/** IPv4 as CUCM writes it in CDRs: a signed 32-bit integer with the first octet in the low byte. */
export function cdrIpInt(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return (a | (b << 8) | (c << 16) | (d << 24)) | 0;
}

function q(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

function pkid(id: number, leg: number): string {
  const h = ((id * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `${h}-${String(leg).padStart(4, '0')}-4${h.slice(0, 3)}-8${h.slice(3, 6)}-${String(id).padStart(12, '0')}`;
}

function nodeId(p: CallParty | undefined, nodes: readonly string[]): number {
  return p ? nodes.indexOf(p.node) + 1 : 0;
}

function cdrRow(c: LabCall, nodes: readonly string[]): string {
  const cm = nodeId(c.caller, nodes);
  const talk = c.connect ? c.disconnect - c.connect : 0;
  const v: Record<string, string | number> = {
    cdrRecordType: 1, globalCallID_callManagerId: cm, globalCallID_callId: c.id, origLegCallIdentifier: 16_777_216 + c.id * 2, dateTimeOrigination: c.origination,
    origNodeId: cm, origSpan: 0, origIpAddr: cdrIpInt(c.caller.ip), callingPartyNumber: c.caller.dn, callingPartyUnicodeLoginUserID: '', origCause_location: 0,
    origCause_value: c.origCause, origPrecedenceLevel: 4, origMediaTransportAddress_IP: c.connect ? cdrIpInt(c.caller.ip) : 0, origMediaTransportAddress_Port: c.connect ? 16384 + (c.id % 8000) * 2 : 0,
    origMediaCap_payloadCapability: c.connect ? 4 : 0, destLegIdentifier: c.callee ? 16_777_217 + c.id * 2 : 0, destNodeId: nodeId(c.callee, nodes), destSpan: 0,
    destIpAddr: c.callee ? cdrIpInt(c.callee.ip) : 0, originalCalledPartyNumber: c.dialed, finalCalledPartyNumber: c.callee ? c.dialed : '', destCause_location: 0,
    destCause_value: c.destCause, destMediaTransportAddress_IP: c.connect && c.callee ? cdrIpInt(c.callee.ip) : 0, destMediaTransportAddress_Port: c.connect ? 16384 + (c.id % 8000) * 2 + 2 : 0,
    dateTimeConnect: c.connect, dateTimeDisconnect: c.disconnect, lastRedirectDn: c.callee ? c.dialed : '', pkid: pkid(c.id, 1), originalCalledPartyNumberPartition: c.callee ? 'PT-Internal' : '',
    callingPartyNumberPartition: 'PT-Internal', finalCalledPartyNumberPartition: c.callee ? 'PT-Internal' : '', duration: talk, origDeviceName: c.caller.device, destDeviceName: c.callee?.device ?? '',
    origCallTerminationOnBehalfOf: c.origCause ? 12 : 0, destCallTerminationOnBehalfOf: c.destCause ? 12 : 0, comment: '',
  };
  return CDR_FIELDS.map(([f, t]) => (t === 'INTEGER' ? String(v[f]) : q(String(v[f])))).join(',');
}

function cmrRows(c: LabCall, nodes: readonly string[], cluster: string): string[] {
  if (!c.connect || !c.callee) return [];
  const talk = c.disconnect - c.connect;
  const side = (p: CallParty, leg: number, mos: number): string => {
    const sent = talk * 50;
    const lost = mos < 3 ? Math.round(sent * 0.04) : Math.round(sent * 0.0005);
    const v: Record<string, string | number> = {
      cdrRecordType: 2, globalCallID_callManagerId: nodeId(c.caller, nodes), globalCallID_callId: c.id, nodeId: nodeId(p, nodes), directoryNum: p.dn,
      callIdentifier: 16_777_216 + c.id * 2 + leg, dateTimeStamp: c.disconnect, numberPacketsSent: sent, numberOctetsSent: sent * 160, numberPacketsReceived: sent - lost,
      numberOctetsReceived: (sent - lost) * 160, numberPacketsLost: lost, jitter: mos < 3 ? 38 : 2, latency: 0, pkid: pkid(c.id, 10 + leg), directoryNumPartition: 'PT-Internal',
      globalCallId_ClusterID: cluster, deviceName: p.device,
      varVQMetrics: `MLQK=${mos.toFixed(4)};MLQKav=${(mos - 0.05).toFixed(4)};MLQKmn=${(mos - 0.3).toFixed(4)};MLQKmx=${Math.min(4.5, mos + 0.1).toFixed(4)};ICR=0.0000;CCR=${mos < 3 ? '0.0410' : '0.0010'};ICRmx=0.0000;CS=${mos < 3 ? 12 : 0};SCS=0;MLQKvr=0.95`,
    };
    return CMR_FIELDS.map(([f, t]) => (t === 'INTEGER' ? String(v[f]) : q(String(v[f])))).join(',');
  };
  return [side(c.caller, 0, c.mosCaller ?? 4.2), side(c.callee, 1, c.mosCallee ?? 4.2)];
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

export interface LabCdrFile { name: string; path: string; minute: number; text: string }

export class LabCdrRepository {
  readonly #byMinute = new Map<number, LabCall[]>();
  readonly #nodes: readonly string[];
  readonly #cluster: string;

  constructor(calls: readonly LabCall[], nodes: readonly string[], cluster: string) {
    this.#nodes = nodes;
    this.#cluster = cluster;
    for (const c of calls) {
      const m = Math.floor(c.disconnect / 60) * 60_000;
      const list = this.#byMinute.get(m) ?? [];
      list.push(c);
      this.#byMinute.set(m, list);
    }
  }

  /** Files of minutes in [fromMs, toMs) that are complete at `now`: every CDR file first, then the CMR files. */
  list(fromMs: number, toMs: number, now: number): LabCdrFile[] {
    const minutes = [...this.#byMinute.keys()].filter((m) => m >= fromMs && m < toMs && m + 60_000 <= now).sort((a, b) => a - b);
    const files = minutes.map((m) => this.#file('cdr', m));
    return [...files, ...minutes.map((m) => this.#file('cmr', m)).filter((f) => f.text.split('\n').length > 3)];
  }

  byPath(path: string, now: number): LabCdrFile | undefined {
    const m = /^\/var\/log\/active\/cm\/cdr_repository\/processed\/\d{8}\/(cdr|cmr)_[A-Za-z0-9-]+_01_(\d{12})_\d+$/.exec(path);
    if (!m) return undefined;
    const s = m[2]!;
    const minute = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)), Number(s.slice(8, 10)), Number(s.slice(10, 12)));
    if (!this.#byMinute.has(minute) || minute + 60_000 > now) return undefined;
    const f = this.#file(m[1] as 'cdr' | 'cmr', minute);
    return f.path === path ? f : undefined;
  }

  #file(kind: 'cdr' | 'cmr', minute: number): LabCdrFile {
    const calls = this.#byMinute.get(minute) ?? [];
    const seq = Math.floor(minute / 60_000) % 100_000;
    const name = `${kind}_${this.#cluster}_01_${stamp(minute)}_${seq}`;
    const fields = kind === 'cdr' ? CDR_FIELDS : CMR_FIELDS;
    const rows = kind === 'cdr' ? calls.map((c) => cdrRow(c, this.#nodes)) : calls.flatMap((c) => cmrRows(c, this.#nodes, this.#cluster));
    const text = [fields.map(([f]) => q(f)).join(','), fields.map(([, t]) => t).join(','), ...rows].join('\r\n') + '\r\n';
    return { name, path: `${CDR_DIR}/${stamp(minute).slice(0, 8)}/${name}`, minute, text };
  }
}
