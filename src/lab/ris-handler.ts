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

/** A phone whose node's CallManager is stopped is not registered, whatever it was before. */
function effective(data: LabData, reg: Registration): Registration {
  return reg.status === 'Registered' && !data.services.running(reg.node, 'Cisco CallManager') ? { ...reg, status: 'UnRegistered' } : reg;
}

function select(data: LabData, c: Criteria, after: string): Hit[] {
  const hits: Hit[] = [];
  for (const phone of data.axl.all('Phone')) {
    const name = xText(phone.name);
    const stored = data.registrations.get(name.toUpperCase());
    if (!stored || name <= after) continue;
    const reg = effective(data, stored);
    if (c.cls !== 'Any' && c.cls !== 'Phone') continue;
    if (c.model !== '255' && String(phoneModel(xText(phone.model)).typeModel) !== c.model) continue;
    if (c.status !== 'Any' && c.status !== reg.status) continue;
    if (c.node !== '' && c.node.toLowerCase() !== reg.node.toLowerCase()) continue;
    if (c.protocol !== 'Any' && c.protocol !== xText(phone.protocol)) continue;
    const dns = xList(xObj(phone.lines)?.line).map((l) => xText(xObj(xObj(l)?.dirn)?.pattern));
    if (c.items.length > 0) {
      const keys = c.selectBy === 'IPV4Address' || c.selectBy === 'IPAddress' ? [reg.ip] : c.selectBy === 'DirNumber' ? dns : c.selectBy === 'Description' ? [xText(phone.description)] : [name];
      if (!c.items.some((re) => keys.some((k) => re.test(k)))) continue;
    }
    hits.push({ phone, reg, name, dns });
  }
  return hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function writeDevice(w: XmlWriter, h: Hit): void {
  const m = phoneModel(xText(h.phone.model));
  const lineStatus = h.reg.status === 'Registered' ? 'Registered' : 'UnRegistered';
  const leaf = (n: string, v: string): void => { w.leaf(`ns1:${n}`, v); };
  w.open('ns1:item');
  leaf('Name', h.name);
  leaf('DirNumber', h.dns.map((d) => `${d}-${lineStatus}`).join(','));
  leaf('DeviceClass', 'Phone');
  leaf('Model', String(m.typeModel));
  leaf('Product', String(m.typeModel + 1));
  leaf('BoxProduct', '0');
  leaf('Httpd', 'Yes');
  leaf('RegistrationAttempts', h.reg.status === 'Registered' ? '1' : '0');
  leaf('IsCtiControllable', 'true');
  leaf('LoginUserId', xText(h.phone.ownerUserName));
  leaf('Status', h.reg.status);
  leaf('StatusReason', h.reg.status === 'Rejected' ? '6' : '0');
  leaf('PerfMonObject', '2');
  leaf('DChannel', '0');
  leaf('Description', xText(h.phone.description));
  leaf('H323Trunk', '');
  leaf('TimeStamp', String(h.reg.timestamp));
  leaf('Protocol', xText(h.phone.protocol) || 'SIP');
  leaf('NumOfLines', String(h.dns.length));
  w.open('ns1:LinesStatus');
  for (const d of h.dns) w.open('ns1:item').leaf('ns1:DirectoryNumber', d).leaf('ns1:Status', h.reg.status === 'Registered' ? 'Registered' : 'UnRegistered').close();
  w.close();
  leaf('ActiveLoadID', m.activeLoad);
  leaf('InactiveLoadID', m.activeLoad);
  leaf('DownloadStatus', 'Unknown');
  leaf('DownloadFailureReason', '');
  leaf('DownloadServer', '');
  w.open('ns1:IPAddress').open('ns1:item').leaf('ns1:IP', h.reg.ip).leaf('ns1:IPAddrType', 'ipv4').leaf('ns1:Attribute', 'Unknown').close().close();
  w.close();
}

function answer(data: LabData, op: string, body: XmlElement): string {
  const c = criteria(childNamed(body, 'CmSelectionCriteria'));
  const state = childNamed(body, 'StateInfo')?.text ?? '';
  const after = op === 'selectCmDeviceExt' ? /LastName="([^"]*)"/.exec(state)?.[1] ?? '' : '';
  const all = select(data, c, after);
  const page = all.slice(0, c.max);
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8"?>');
  w.open('soapenv:Envelope', { 'xmlns:soapenv': SOAP_ENV_NS, 'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' }).open('soapenv:Body');
  w.open('ns1:selectCmDeviceResponse', { 'xmlns:ns1': RIS_NS }).open('ns1:selectCmDeviceReturn').open('ns1:SelectCmDeviceResult');
  w.leaf('ns1:TotalDevicesFound', String(page.length));
  if (page.length === 0) w.leaf('ns1:CmNodes', undefined, { 'xsi:nil': '1' });
  else {
    w.open('ns1:CmNodes');
    for (const node of data.cucmNodes) {
      const mine = page.filter((h) => h.reg.node === node);
      w.open('ns1:item').leaf('ns1:ReturnCode', mine.length > 0 ? 'Ok' : 'NotFound').leaf('ns1:Name', node).leaf('ns1:NoChange', 'false').open('ns1:CmDevices');
      for (const h of mine) writeDevice(w, h);
      w.close().close();
    }
    w.close();
  }
  w.close();
  const last = page.length === all.length ? '' : page[page.length - 1]?.name ?? '';
  const info = `<StateInfo><Node Name="${data.cucmNodes[0]}" SubsystemType="7" StateId="${data.axl.revision}" TotalItemsFound="${all.length}" TotalItemsMatched="${page.length}" LastName="${last}"/></StateInfo>`;
  w.leaf('ns1:StateInfo', info);
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
      sendXml(res, 200, answer(data, body.name, body));
    } catch (err) {
      if (err instanceof BodyTooLarge) { tomcatError(res, 413, 'Request Entity Too Large'); return; }
      sendXml(res, 500, soapFaultXml('soapenv:Client', (err as Error).message));
    }
  };
}
