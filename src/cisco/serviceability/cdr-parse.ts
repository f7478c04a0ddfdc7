/**
 * @module CDR and CMR flat files (CDR Administration Guide, "CDR file format"): a header row of
 * field names, a row of field types (INTEGER, VARCHAR(n), UNIQUEIDENTIFIER), then one quoted CSV
 * row per record. Values are decoded by what the field is: epoch seconds → ISO time (0 = never),
 * IPv4 addresses stored as a signed 32-bit integer in network-to-little-endian order → dotted
 * quad, cause codes → Q.850 meaning, CMR `varVQMetrics` → named metrics with MOS (MLQK).
 */
import { causeMeaning } from './q850.ts';
import { upstreamError } from '../upstream-error.ts';

export type CdrFieldType = 'integer' | 'varchar' | 'uniqueidentifier';
export type CdrValue = string | number | null;

const DATE_FIELDS = new Set(['dateTimeOrigination', 'dateTimeConnect', 'dateTimeDisconnect', 'dateTimeStamp']);
const IP_FIELDS = new Set(['origIpAddr', 'destIpAddr', 'origMediaTransportAddress_IP', 'destMediaTransportAddress_IP', 'origIpv4v6Addr', 'destIpv4v6Addr']);

/** One CSV line of the CDR format: fields separated by commas, optionally double-quoted with "" as an escaped quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw upstreamError('malformed_answer', 'CDR file has an unterminated quoted field', { hint: 'the file may be truncated; fetch it again' });
        v += line.slice(i, q);
        if (line[q + 1] === '"') { v += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      out.push((c < 0 ? line.slice(i) : line.slice(i, c)).trim());
      if (c < 0) return out;
      i = c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') throw upstreamError('malformed_answer', 'CDR file has text after a quoted field', { hint: 'the file is not in the CDR flat-file format' });
    i++;
  }
}

export function fieldType(declared: string): CdrFieldType {
  const t = declared.trim().toUpperCase();
  if (t === 'INTEGER') return 'integer';
  if (t === 'UNIQUEIDENTIFIER') return 'uniqueidentifier';
  if (/^VARCHAR\(\d+\)$/.test(t)) return 'varchar';
  throw upstreamError('malformed_answer', `CDR file declares an unknown field type "${declared.slice(0, 30)}"`, { hint: 'the file is not in the CDR flat-file format' });
}

/** CUCM stores an IPv4 address as a signed 32-bit integer, first octet in the low byte: -1139627840 = 0xBC12A8C0 → 192.168.18.188. */
export function cdrIp(v: number): string {
  const u = v >>> 0;
  return [u & 0xff, (u >>> 8) & 0xff, (u >>> 16) & 0xff, (u >>> 24) & 0xff].join('.');
}

function decode(name: string, type: CdrFieldType, raw: string): CdrValue {
  if (type !== 'integer') return raw;
  if (raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw upstreamError('malformed_answer', `CDR field ${name} is declared INTEGER but holds "${raw.slice(0, 20)}"`, { hint: 'the file is not in the CDR flat-file format' });
  if (DATE_FIELDS.has(name)) return n === 0 ? null : new Date(n * 1000).toISOString();
  if (IP_FIELDS.has(name)) return n === 0 ? null : cdrIp(n);
  return n;
}

export interface CdrFile { kind: 'cdr' | 'cmr'; fields: string[]; types: CdrFieldType[]; records: Record<string, CdrValue>[]; truncated: boolean }

/** Parse a whole file (size-capped by the caller); at most `maxRecords` records. */
export function parseCdrFile(text: string, maxRecords = 5000): CdrFile {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw upstreamError('malformed_answer', 'CDR file has no header and type rows', { hint: 'the file is empty or not a CDR/CMR file' });
  const fields = splitCsvLine(lines[0] ?? '');
  const types = splitCsvLine(lines[1] ?? '').map(fieldType);
  if (fields.length !== types.length) throw upstreamError('malformed_answer', `CDR file names ${fields.length} fields but types ${types.length}`, { hint: 'the file is not in the CDR flat-file format' });
  const kind = fields.includes('varVQMetrics') || fields.includes('numberPacketsLost') ? 'cmr' : 'cdr';
  const records: Record<string, CdrValue>[] = [];
  for (const line of lines.slice(2, 2 + maxRecords)) {
    const values = splitCsvLine(line);
    if (values.length !== fields.length) throw upstreamError('malformed_answer', `A CDR record has ${values.length} values for ${fields.length} fields`, { hint: 'the file may be truncated; fetch it again' });
    const rec: Record<string, CdrValue> = {};
    fields.forEach((f, i) => { rec[f] = decode(f, types[i] ?? 'varchar', values[i] ?? ''); });
    records.push(rec);
  }
  return { kind, fields, types, records, truncated: lines.length - 2 > maxRecords };
}

/** `MLQK=4.5000;MLQKav=4.4000;…` → numbers by name. */
export function parseVqMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(';')) {
    const [k, v] = part.split('=');
    if (k && v !== undefined && v.trim() !== '' && /^[A-Za-z]{1,20}$/.test(k.trim()) && Number.isFinite(Number(v))) out[k.trim()] = Number(v);
  }
  return out;
}

export interface CallRecord {
  globalCallId: number | null;
  callingPartyNumber: string;
  originalCalledPartyNumber: string;
  finalCalledPartyNumber: string;
  dateTimeOrigination: string | null;
  dateTimeConnect: string | null;
  dateTimeDisconnect: string | null;
  duration: number | null;
  origDeviceName: string;
  destDeviceName: string;
  origCause_value: number | null;
  origCause_meaning: string;
  destCause_value: number | null;
  destCause_meaning: string;
  mos?: { device: string; mos: number; mos_min?: number; jitter?: number; packets_lost?: number }[];
}

function num(v: CdrValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function str(v: CdrValue | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** CDR records as calls, with MOS from CMR records of the same call (globalCallID_callId) when given. */
export function callRecords(cdr: CdrFile, cmr?: CdrFile): CallRecord[] {
  const mosByCall = new Map<number, NonNullable<CallRecord['mos']>>();
  for (const r of cmr?.records ?? []) {
    const id = num(r.globalCallID_callId);
    if (id === null) continue;
    const m = parseVqMetrics(str(r.varVQMetrics));
    if (m.MLQK === undefined) continue;
    const list = mosByCall.get(id) ?? [];
    list.push({ device: str(r.deviceName), mos: m.MLQK, ...(m.MLQKmn !== undefined ? { mos_min: m.MLQKmn } : {}), ...(num(r.jitter) !== null ? { jitter: num(r.jitter)! } : {}), ...(num(r.numberPacketsLost) !== null ? { packets_lost: num(r.numberPacketsLost)! } : {}) });
    mosByCall.set(id, list);
  }
  return cdr.records.filter((r) => r.cdrRecordType === 1 || r.cdrRecordType === null || r.cdrRecordType === undefined).map((r) => {
    const id = num(r.globalCallID_callId);
    const oc = num(r.origCause_value);
    const dc = num(r.destCause_value);
    const mos = id !== null ? mosByCall.get(id) : undefined;
    return {
      globalCallId: id, callingPartyNumber: str(r.callingPartyNumber), originalCalledPartyNumber: str(r.originalCalledPartyNumber),
      finalCalledPartyNumber: str(r.finalCalledPartyNumber), dateTimeOrigination: (r.dateTimeOrigination as string | null) ?? null,
      dateTimeConnect: (r.dateTimeConnect as string | null) ?? null, dateTimeDisconnect: (r.dateTimeDisconnect as string | null) ?? null,
      duration: num(r.duration), origDeviceName: str(r.origDeviceName), destDeviceName: str(r.destDeviceName),
      origCause_value: oc, origCause_meaning: oc === null ? '' : causeMeaning(oc), destCause_value: dc, destCause_meaning: dc === null ? '' : causeMeaning(dc),
      ...(mos ? { mos } : {}),
    };
  });
}
