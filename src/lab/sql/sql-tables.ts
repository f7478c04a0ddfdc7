/**
 * @module The Informix tables the lab exposes to executeSQLQuery/Update and `run sql`, computed from
 * the AXL store on each query so every write is visible: device, numplan, devicenumplanmap,
 * enduser, applicationuser, typemodel, typeclass, devicepool, routepartition, callingsearchspace.
 */
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { LabData } from '../lab-data.ts';
import { pkidOf } from '../axl-store.ts';
import { PHONE_MODELS, TRUNK_TYPE_MODEL, TYPE_CLASSES } from '../models.ts';
import { NODE_LAYOUT } from '../lab-node.ts';

export type SqlValue = string | null;
export type Row = Record<string, SqlValue>;

export interface SqlTable {
  columns: string[];
  rows(data: LabData): Row[];
  /** AXL kind and field each writable column maps to. */
  writable?: { kind: string; fields: Record<string, string> };
}

/** Source object of a row (for UPDATE/DELETE). */
export const ROW_SOURCE = new WeakMap<Row, { kind: string; obj: XObject }>();

function refPkid(v: XObject[string]): SqlValue {
  const o = xObj(v);
  const u = o?.['@uuid'];
  return typeof u === 'string' ? pkidOf(u) : null;
}

function pk(o: XObject): string {
  return pkidOf(String(o['@uuid']));
}

function withSource(row: Row, kind: string, obj: XObject): Row {
  ROW_SOURCE.set(row, { kind, obj });
  return row;
}

const MODEL_ENUM = new Map(PHONE_MODELS.map((m) => [m.model, String(m.typeModel)]));

function deviceRows(data: LabData): Row[] {
  const out: Row[] = [];
  for (const kind of ['Phone', 'SipTrunk']) {
    for (const o of data.axl.all(kind)) {
      const isPhone = kind === 'Phone';
      out.push(withSource({
        pkid: pk(o), name: xText(o.name), description: xText(o.description),
        tkmodel: isPhone ? MODEL_ENUM.get(xText(o.model)) ?? '36224' : String(TRUNK_TYPE_MODEL),
        tkclass: isPhone ? '1' : '18', tkdeviceprotocol: xText(o.protocol) === 'SCCP' ? '0' : '11',
        tkproduct: isPhone ? MODEL_ENUM.get(xText(o.model)) ?? '36224' : String(TRUNK_TYPE_MODEL),
        fkdevicepool: refPkid(o.devicePoolName), fkcallingsearchspace: refPkid(o.callingSearchSpaceName),
        fkenduser: refPkid(o.ownerUserName), isactive: 't', ctiid: xText(o['@ctiid']) || null,
      }, kind, o));
    }
  }
  return out;
}

function numplanRows(data: LabData): Row[] {
  const out: Row[] = [];
  for (const [kind, usage] of [['Line', '2'], ['RoutePattern', '5']] as const) {
    for (const o of data.axl.all(kind)) {
      out.push(withSource({
        pkid: pk(o), dnorpattern: xText(o.pattern), fkroutepartition: refPkid(o.routePartitionName), tkpatternusage: usage,
        description: xText(o.description), alertingname: xText(o.alertingName), iscallable: 't',
      }, kind, o));
    }
  }
  return out;
}

function mapRows(data: LabData): Row[] {
  const out: Row[] = [];
  for (const phone of data.axl.all('Phone')) {
    for (const l of xList(xObj(phone.lines)?.line)) {
      const line = xObj(l);
      const dirn = xObj(line?.dirn);
      const uuid = dirn?.['@uuid'];
      if (!line || typeof uuid !== 'string') continue;
      const idx = xText(line.index) || '1';
      out.push({ pkid: `${pk(phone).slice(0, 24)}${pkidOf(uuid).slice(24, 32)}${idx.padStart(4, '0')}`, fkdevice: pk(phone), fknumplan: pkidOf(uuid), numplanindex: idx, label: xText(line.label), display: xText(line.display) });
    }
  }
  return out;
}

function simple(kind: string, cols: (o: XObject) => Row): (data: LabData) => Row[] {
  return (data) => data.axl.all(kind).map((o) => withSource({ pkid: pk(o), ...cols(o) }, kind, o));
}

export const TABLES: Record<string, SqlTable> = {
  device: {
    columns: ['pkid', 'name', 'description', 'tkmodel', 'tkclass', 'tkdeviceprotocol', 'tkproduct', 'fkdevicepool', 'fkcallingsearchspace', 'fkenduser', 'isactive', 'ctiid'],
    rows: deviceRows, writable: { kind: 'Phone', fields: { name: 'name', description: 'description' } },
  },
  numplan: {
    columns: ['pkid', 'dnorpattern', 'fkroutepartition', 'tkpatternusage', 'description', 'alertingname', 'iscallable'],
    rows: numplanRows, writable: { kind: 'Line', fields: { description: 'description', alertingname: 'alertingName' } },
  },
  devicenumplanmap: { columns: ['pkid', 'fkdevice', 'fknumplan', 'numplanindex', 'label', 'display'], rows: mapRows },
  enduser: {
    columns: ['pkid', 'userid', 'firstname', 'lastname', 'mailid', 'telephonenumber', 'department', 'status'],
    rows: simple('User', (o) => ({ userid: xText(o.userid), firstname: xText(o.firstName), lastname: xText(o.lastName), mailid: xText(o.mailid), telephonenumber: xText(o.telephoneNumber), department: xText(o.department), status: '1' })),
    writable: { kind: 'User', fields: { firstname: 'firstName', lastname: 'lastName', mailid: 'mailid', telephonenumber: 'telephoneNumber', department: 'department' } },
  },
  applicationuser: { columns: ['pkid', 'name'], rows: simple('AppUser', (o) => ({ name: xText(o.userid) })) },
  devicepool: { columns: ['pkid', 'name'], rows: simple('DevicePool', (o) => ({ name: xText(o.name) })) },
  routepartition: {
    columns: ['pkid', 'name', 'description'], rows: simple('RoutePartition', (o) => ({ name: xText(o.name), description: xText(o.description) })),
    writable: { kind: 'RoutePartition', fields: { description: 'description' } },
  },
  callingsearchspace: {
    columns: ['pkid', 'name', 'description', 'clause'],
    rows: simple('Css', (o) => ({
      name: xText(o.name), description: xText(o.description),
      clause: xList(xObj(o.members)?.member).map((m) => xText(xObj(m)?.routePartitionName)).join(':'),
    })),
    writable: { kind: 'Css', fields: { description: 'description' } },
  },
  typemodel: {
    columns: ['enum', 'name', 'moniker'],
    rows: () => [...PHONE_MODELS.map((m) => ({ enum: String(m.typeModel), name: m.model, moniker: `MODEL_${m.model.replace(/\W+/g, '_').toUpperCase()}` })), { enum: String(TRUNK_TYPE_MODEL), name: 'SIP Trunk', moniker: 'MODEL_SIP_TRUNK' }],
  },
  typeclass: { columns: ['enum', 'name'], rows: () => TYPE_CLASSES.map(([e, n]) => ({ enum: String(e), name: n })) },
  // `run sql select name, nodeid from processnode` is the usual cluster health check (TechNote 215013).
  processnode: {
    // systemnode 't' marks the EnterpriseWideData row; Cisco's documented queries filter `where systemnode = 'f'`.
    columns: ['pkid', 'name', 'mac', 'nodeid', 'description', 'isactive', 'tknodeusage', 'ipv6name', 'tkprocessnoderole', 'systemnode'],
    rows: (data) => [
      { pkid: '00000000-1111-0000-0000-000000000000', name: 'EnterpriseWideData', mac: '', nodeid: '1', description: '', isactive: 't', tknodeusage: '1', ipv6name: '', tkprocessnoderole: '1', systemnode: 't' },
      ...NODE_LAYOUT.filter((n) => n.product === 'cucm' || n.product === 'imp').map((n, i) => ({
        pkid: `${String(data.seed).padStart(8, '0').slice(-8)}-0000-4000-8000-${String(i + 2).padStart(12, '0')}`, name: n.host, mac: '', nodeid: String(i + 2),
        description: n.name, isactive: 't', tknodeusage: n.role === 'publisher' && n.product === 'cucm' ? '0' : '1', ipv6name: '', tkprocessnoderole: n.product === 'imp' ? '2' : '1', systemnode: 'f',
      })),
    ],
  },
  // Hunt line groups (tkdistributealgorithm: 1 top down, 2 circular, 3 longest idle, 4 broadcast).
  linegroup: {
    columns: ['pkid', 'name', 'rnareversiontimeout', 'tkdistributealgorithm', 'tkhuntalgorithm_noanswer', 'tkhuntalgorithm_busy', 'tkhuntalgorithm_notavailable'],
    rows: (data) => ['LG-Helpdesk', 'LG-Reception', 'LG-Sales'].map((name, i) => ({
      pkid: `${String(data.seed).padStart(8, '0').slice(-8)}-1111-4000-8000-${String(i + 1).padStart(12, '0')}`, name, rnareversiontimeout: '10',
      tkdistributealgorithm: String([1, 2, 3][i]), tkhuntalgorithm_noanswer: '1', tkhuntalgorithm_busy: '1', tkhuntalgorithm_notavailable: '1',
    })),
  },
};

// The Informix system catalog, as on CUCM: user tables from tabid 100, one syscolumns row per
// column (colno from 1). Computed from the tables above, so a query against the catalog sees
// exactly what the lab can answer.
const USER_TABLES = Object.keys(TABLES);
TABLES.systables = {
  columns: ['tabid', 'tabname', 'owner', 'tabtype', 'ncols'],
  rows: () => USER_TABLES.map((name, i) => ({ tabid: String(100 + i), tabname: name, owner: 'informix', tabtype: 'T', ncols: String(TABLES[name]!.columns.length) })),
};
TABLES.syscolumns = {
  columns: ['tabid', 'colname', 'colno', 'coltype'],
  rows: () => USER_TABLES.flatMap((name, i) => TABLES[name]!.columns.map((c, j) => ({ tabid: String(100 + i), colname: c, colno: String(j + 1), coltype: '13' }))),
};
