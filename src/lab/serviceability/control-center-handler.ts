/**
 * @module ControlCenterServices of a lab node: soapGetServiceStatus (every service, or the named
 * ones) and soapDoControlServices (Start/Stop/Restart), on the node's shared service state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import type { LabService } from './service-state.ts';
import { sendXml } from '../http-util.ts';
import { findAll, findText, op, readSvcRequest, sendFault, svcEnvelope } from './svc-soap.ts';

function startTime(ms: number): string {
  // Control Center prints C's ctime(): `Tue Dec  1 20:00:01 2026`.
  const d = new Date(ms);
  const [dow, , mon] = d.toUTCString().split(' ');
  return `${dow!.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
}

function writeStatus(w: XmlWriter, list: readonly LabService[], now: number, missing: string[]): void {
  w.leaf('ns1:ReturnCode', '0').leaf('ns1:ReasonCode', '-1').leaf('ns1:ReasonString', missing.length ? `Service(s) not found: ${missing.join(', ')}` : '').open('ns1:ServiceInfoList');
  for (const s of list) {
    const up = s.status === 'Started';
    w.open('ns1:item').leaf('ns1:ServiceName', s.name).leaf('ns1:ServiceStatus', s.status)
      .leaf('ns1:ReasonCode', s.activated ? (up ? '-1' : s.commanded ? '-1069' : '-1019') : '-1068')
      .leaf('ns1:ReasonCodeString', s.activated ? (up ? ' ' : s.commanded ? 'Commanded Out of Service' : 'Component is not running') : 'Service Not Activated')
      .leaf('ns1:StartTime', up ? startTime(s.startedAt) : ' ').leaf('ns1:UpTime', up ? String(Math.floor((now - s.startedAt) / 1000)) : '-1').close();
  }
  w.close();
}

export function createControlCenterHandler(opts: { node: LabNode; data: LabData; faults: FaultDice }): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { node, data, faults } = opts;
  return async function handleControlCenter(req, res) {
    const body = await readSvcRequest(req, res, { data, faults, realm: 'Cisco Control Center' });
    if (!body) return;
    const now = Date.now();
    if (body.name === 'soapGetServiceStatus') {
      const names = findAll(body, 'ServiceStatus').map((e) => e.text.trim()).filter(Boolean);
      const all = data.services.list(node.name);
      const list = names.length ? all.filter((s) => names.some((n) => n.toLowerCase() === s.name.toLowerCase())) : all;
      const missing = names.filter((n) => !all.some((s) => s.name.toLowerCase() === n.toLowerCase()));
      sendXml(res, 200, svcEnvelope((w) => { op(w, 'soapGetServiceStatusResponse').open('ns1:soapGetServiceStatusReturn'); writeStatus(w, list, now, missing); w.close().close(); }));
      return;
    }
    if (body.name === 'soapDoControlServices') {
      const target = (findText(body, 'NodeName') ?? '').trim();
      const control = (findText(body, 'ControlType') ?? '').trim();
      const names = findAll(body, 'item').map((e) => e.text.trim()).filter(Boolean);
      if (target !== node.name && target !== node.host) { sendFault(res, `NodeName ${target} is not this node (${node.name})`, 'soapenv:Client'); return; }
      if (control !== 'Start' && control !== 'Stop' && control !== 'Restart') { sendFault(res, `Invalid ControlType ${control}`, 'soapenv:Client'); return; }
      if (names.length === 0) { sendFault(res, 'ServiceList is empty', 'soapenv:Client'); return; }
      const errors = names.map((n) => [n, data.services.control(node.name, n, control, now)] as const).filter(([, e]) => e !== undefined);
      const list = names.map((n) => data.services.get(node.name, n)).filter((s): s is LabService => s !== undefined);
      sendXml(res, 200, svcEnvelope((w) => {
        op(w, 'soapDoControlServicesResponse').open('ns1:soapDoControlServicesReturn');
        writeStatus(w, list, now, errors.map(([n, e]) => `${n} (${e})`));
        w.close().close();
      }));
      return;
    }
    sendFault(res, `No such operation '${body.name}'`, 'soapenv:Client');
  };
}
