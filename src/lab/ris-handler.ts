/**
 * @module RisPort70 selectCmDevice / selectCmDeviceExt (BEHAVIOUR.md §2): CmSelectionCriteria
 * filters with `*` wildcards, at most 1000 devices per answer, StateInfo paging, the per-minute
 * rate limit with Cisco's fault text, and registration data consistent with the AXL store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XmlWriter } from '../lib/xsd/xml-writer.ts';
import { parseXml, childNamed } from '../lib/xsd/xml-tree.ts';
import type { XmlElement } from '../lib/xsd/xml-tree.ts';
import { xList, xObj, xText } from '../lib/xsd/xvalue.ts';
import type { XObject } from '../lib/xsd/xvalue.ts';
import type { LabData, Registration } from './lab-data.ts';
import type { FaultDice } from './faults.ts';
import { phoneModel } from './models.ts';
import { BodyTooLarge, isAuthorized, readBody, sendXml, tomcatError, unauthorized } from './http-util.ts';
import { SOAP_ENV_NS, soapFaultXml } from './axl/soap.ts';

const RIS_NS = 'http://schemas.cisco.com/ast/soap';
const MAX_DEVICES = 1000;

interface Criteria { max: number; cls: string; model: string; status: string; node: string; selectBy: string; items: RegExp[]; protocol: string }

function wildcard(s: string): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- lab simulator only: a LIKE / wildcard pattern with every other character escaped
  return new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

function criteria(el: XmlElement | undefined): Criteria {
  const t = (n: string): string => (el ? childNamed(el, n)?.text.trim() ?? '' : '');
  const items = (el ? childNamed(el, 'SelectItems')?.children ?? [] : []).map((i) => (childNamed(i, 'Item')?.text ?? i.text).trim()).filter((s) => s !== '');
  const max = Number(t('MaxReturnedDevices') || String(MAX_DEVICES));
  return {
    max: Math.min(MAX_DEVICES, Number.isFinite(max) && max > 0 ? max : MAX_DEVICES), cls: t('DeviceClass') || 'Any', model: t('Model') || '255',
    status: t('Status') || 'Any', node: t('NodeName'), selectBy: t('SelectBy') || 'Name', items: items.map(wildcard), protocol: t('Protocol') || 'Any',
  };
}

interface Hit { phone: XObject; reg: Registration; name: string; dns: string[] }
/** One device item under one node: a phone that moved nodes is reported by both (the old one stale). */
interface Entry { hit: Hit; node: string; status: string; reason: string; timestamp: number }

/** A phone whose node's CallManager is stopped is not registered, whatever it was before. */
function effective(data: LabData, reg: Registration): Registration {
  return reg.status === 'Registered' && !data.services.running(reg.node, 'Cisco CallManager') ? { ...reg, status: 'UnRegistered' } : reg;
}

function nameHash(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** StatusReason codes (cisco/ris/ris-codes.ts) the lab reports, picked per phone so answers vary like a real cluster. */
function reasonFor(status: string, name: string): string {
  if (status === 'Registered') return '0';
  const pool = status === 'Rejected' ? ['14', '16'] : ['8', '9', '13', '18'];
  return pool[nameHash(name) % pool.length]!;
}

function phoneHits(data: LabData, c: Criteria): Hit[] {
  const hits: Hit[] = [];
  for (const phone of data.axl.all('Phone')) {
    const name = xText(phone.name);
    const stored = data.registrations.get(name.toUpperCase());
    if (!stored) continue;
    const reg = effective(data, stored);
    if (c.cls !== 'Any' && c.cls !== 'Phone') continue;
    if (c.model !== '255' && String(phoneModel(xText(phone.model)).typeModel) !== c.model) continue;
    if (c.protocol !== 'Any' && c.protocol !== xText(phone.protocol)) continue;
    const dns = xList(xObj(phone.lines)?.line).map((l) => xText(xObj(xObj(l)?.dirn)?.pattern));
    if (c.items.length > 0) {
      const keys = c.selectBy === 'IPV4Address' || c.selectBy === 'IPAddress' ? [reg.ip] : c.selectBy === 'DirNumber' ? dns : c.selectBy === 'Description' ? [xText(phone.description)] : [name];
      if (!c.items.some((re) => keys.some((k) => re.test(k)))) continue;
    }
    hits.push({ phone, reg, name, dns });
  }
  return hits;
}

/**
 * Every device item the criteria select, in name order. One registered phone in 16 also shows as
 * UnRegistered on another node an hour earlier (it moved), as RIS reports a device per node that
 * saw it; status and node criteria apply per item, as on CUCM.
 */
function select(data: LabData, c: Criteria): Entry[] {
  const out: Entry[] = [];
  for (const hit of phoneHits(data, c)) {
    const entries: Entry[] = [{ hit, node: hit.reg.node, status: hit.reg.status, reason: reasonFor(hit.reg.status, hit.name), timestamp: hit.reg.timestamp }];
    const others = data.cucmNodes.filter((n) => n !== hit.reg.node);
    if (hit.reg.status === 'Registered' && others.length > 0 && nameHash(hit.name) % 16 === 0) {
      entries.push({ hit, node: others[nameHash(hit.name) % others.length]!, status: 'UnRegistered', reason: reasonFor('UnRegistered', hit.name), timestamp: hit.reg.timestamp - 3600 });
    }
    for (const e of entries) {
      if (c.status !== 'Any' && c.status !== e.status) continue;
      if (c.node !== '' && c.node.toLowerCase() !== e.node.toLowerCase()) continue;
      out.push(e);
    }
  }
  return out.sort((a, b) => (a.hit.name < b.hit.name ? -1 : a.hit.name > b.hit.name ? 1 : a.timestamp - b.timestamp));
}

function writeDevice(w: XmlWriter, e: Entry): void {
  const h = e.hit;
  const m = phoneModel(xText(h.phone.model));
  const lineStatus = e.status === 'Registered' ? 'Registered' : 'UnRegistered';
  const leaf = (n: string, v: string): void => { w.leaf(`ns1:${n}`, v); };
  w.open('ns1:item');
  leaf('Name', h.name);
  leaf('DirNumber', h.dns.map((d) => `${d}-${lineStatus}`).join(','));
  leaf('DeviceClass', 'Phone');
  leaf('Model', String(m.typeModel));
  // typeproduct carries the same enum as typemodel for these phones (as the SQL tables show).
  leaf('Product', String(m.typeModel));
  leaf('BoxProduct', '0');
  leaf('Httpd', 'Yes');
  leaf('RegistrationAttempts', e.status === 'Registered' ? '1' : '0');
  leaf('IsCtiControllable', 'true');
  leaf('LoginUserId', xText(h.phone.ownerUserName));
  leaf('Status', e.status);
  leaf('StatusReason', e.reason);
  leaf('PerfMonObject', '2');
  leaf('DChannel', '0');
  leaf('Description', xText(h.phone.description));
  leaf('H323Trunk', '');
  leaf('TimeStamp', String(e.timestamp));
  leaf('Protocol', xText(h.phone.protocol) || 'SIP');
  leaf('NumOfLines', String(h.dns.length));
  w.open('ns1:LinesStatus');
  for (const d of h.dns) w.open('ns1:item').leaf('ns1:DirectoryNumber', d).leaf('ns1:Status', lineStatus).close();
  w.close();
  leaf('ActiveLoadID', m.activeLoad);
  leaf('InactiveLoadID', m.activeLoad);
  leaf('DownloadStatus', 'Unknown');
  leaf('DownloadFailureReason', '');
  leaf('DownloadServer', '');
  w.open('ns1:IPAddress').open('ns1:item').leaf('ns1:IP', h.reg.ip).leaf('ns1:IPAddrType', 'ipv4').leaf('ns1:Attribute', 'Unknown').close().close();
  w.close();
}

/**
 * A node's StateId changes whenever what it reports may change: any AXL write (revision) or a
 * restart of its CallManager.
 */
function stateId(data: LabData, node: string): string {
  const cm = data.services.get(node, 'Cisco CallManager');
  return `${data.axl.revision}${cm?.status === 'Started' ? `-${cm.startedAt}` : '-down'}`;
}

/** StateIds the client sent back, per node (`<Node Name=… StateId=…/>` in the StateInfo text). */
function sentStateIds(state: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of state.matchAll(/<Node\b([^>]*)\/?>/g)) {
    const name = /\bName="([^"]*)"/.exec(m[1]!)?.[1];
    const id = /\bStateId="([^"]*)"/.exec(m[1]!)?.[1];
    if (name !== undefined && id !== undefined) out.set(name.toLowerCase(), id);
  }
  return out;
}

/**
 * At most `max` (≤ 1000) device items per answer, in name order; no page cursor: StateInfo only
 * tracks change. A node whose StateId equals the one sent answers NoChange and lists no devices.
 */
function answer(data: LabData, body: XmlElement): string {
  const c = criteria(childNamed(body, 'CmSelectionCriteria'));
  const sent = sentStateIds(childNamed(body, 'StateInfo')?.text ?? '');
  const unchanged = new Set(data.cucmNodes.filter((n) => sent.get(n.toLowerCase()) === stateId(data, n)));
  const all = select(data, c).filter((e) => !unchanged.has(e.node));
  const page = all.slice(0, c.max);
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8"?>');
  w.open('soapenv:Envelope', { 'xmlns:soapenv': SOAP_ENV_NS, 'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' }).open('soapenv:Body');
  w.open('ns1:selectCmDeviceResponse', { 'xmlns:ns1': RIS_NS }).open('ns1:selectCmDeviceReturn').open('ns1:SelectCmDeviceResult');
  w.leaf('ns1:TotalDevicesFound', String(page.length));
  if (page.length === 0 && unchanged.size === 0) w.leaf('ns1:CmNodes', undefined, { 'xsi:nil': '1' });
  else {
    w.open('ns1:CmNodes');
    for (const node of data.cucmNodes) {
      const mine = page.filter((e) => e.node === node);
      const same = unchanged.has(node);
      w.open('ns1:item').leaf('ns1:ReturnCode', same || mine.length > 0 ? 'Ok' : 'NotFound').leaf('ns1:Name', node).leaf('ns1:NoChange', same ? 'true' : 'false').open('ns1:CmDevices');
      for (const e of mine) writeDevice(w, e);
      w.close().close();
    }
    w.close();
  }
  w.close();
  const start = Math.floor(data.startedAt / 1000);
  const nodes = data.cucmNodes.map((n) => {
    const found = all.filter((e) => e.node === n).length;
    const matched = page.filter((e) => e.node === n).length;
    return `<Node Name="${n}" SubsystemStartTime="${start}" StateId="${stateId(data, n)}" TotalItemsFound="${found}" TotalItemsMatched="${matched}"/>`;
  });
  w.leaf('ns1:StateInfo', `<StateInfo>${nodes.join('')}</StateInfo>`);
  w.close().close().close().close();
  return w.toString();
}

export function createRisHandler(opts: { data: LabData; faults: FaultDice }): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { data, faults } = opts;
  const recent: number[] = [];
  return async function handleRis(req, res) {
    if (req.method === 'GET' && /[?&]wsdl/i.test(req.url ?? '')) { tomcatError(res, 404, 'Not Found'); return; }
    if (req.method !== 'POST') { tomcatError(res, 405, 'Method Not Allowed'); return; }
    if (faults.plan.credentialsExpired || !isAuthorized(req, data.credentials.username, data.credentials.password)) { unauthorized(res, 'Cisco RIS'); return; }
    try {
      const raw = await readBody(req, 1024 * 1024);
      await faults.delay();
      const status = faults.httpError('ris');
      if (status) { sendXml(res, status, soapFaultXml('soapenv:Server', status === 503 ? 'Service Unavailable' : 'Internal Server Error')); return; }
      const now = Date.now();
      while (recent.length > 0 && now - recent[0]! > 60_000) recent.shift();
      const limit = faults.plan.risPerMinute;
      if (limit > 0 && recent.length >= limit) {
        sendXml(res, 500, soapFaultXml('soapenv:Server', `AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is ${limit} requests per minute.(Reatime information is Device Registration status, CTI Registration status, and etc.)`));
        return;
      }
      recent.push(now);
      if (!data.services.running(data.cucmNodes[0]!, 'Cisco RIS Data Collector')) {
        sendXml(res, 500, soapFaultXml('soapenv:Server', 'AxisFault: Cisco RIS Data Collector is not running'));
        return;
      }
      const root = parseXml(raw.toString('utf8'));
      const body = root.children.find((c) => c.name === 'Body')?.children[0];
      if (!body || body.ns !== RIS_NS || (body.name !== 'selectCmDevice' && body.name !== 'selectCmDeviceExt')) {
        sendXml(res, 500, soapFaultXml('soapenv:Client', `No such operation '${body?.name ?? ''}'`));
        return;
      }
      sendXml(res, 200, answer(data, body));
    } catch (err) {
      if (err instanceof BodyTooLarge) { tomcatError(res, 413, 'Request Entity Too Large'); return; }
      sendXml(res, 500, soapFaultXml('soapenv:Client', (err as Error).message));
    }
  };
}
