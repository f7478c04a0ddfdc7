/**
 * @module Read a selectCmDevice answer into flat device records, merged across CM nodes: a device
 * seen under several nodes is kept once, newest TimeStamp first (RIS-DOC "may appear in multiple").
 */
import type { XmlElement } from '../../lib/xsd/xml-tree.ts';
import { childNamed } from '../../lib/xsd/xml-tree.ts';

export interface RisDevice {
  name: string;
  cmNode: string;
  status: string;
  statusReason: string;
  deviceClass: string;
  model: string;
  protocol: string;
  dirNumber: string;
  description: string;
  ip: string;
  activeLoad: string;
  timeStamp: number;
}

export interface RisAnswer { total: number; devices: RisDevice[]; stateInfo: string; nodeCodes: Record<string, string> }

function text(el: XmlElement | undefined, name: string): string {
  return (el ? childNamed(el, name)?.text ?? '' : '').trim();
}

function items(el: XmlElement | undefined): XmlElement[] {
  return el ? el.children.filter((c) => c.name === 'item') : [];
}

function ipOf(dev: XmlElement): string {
  const list = childNamed(dev, 'IPAddress');
  const first = items(list).map((i) => text(i, 'IP')).find(Boolean);
  return first ?? (list?.text.trim() || text(dev, 'IpAddress'));
}

function descendant(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) { if (c.name === name) return c; const d = descendant(c, name); if (d) return d; }
  return undefined;
}

export function readRisAnswer(body: XmlElement): RisAnswer {
  const result = descendant(body, 'SelectCmDeviceResult');
  const nodeCodes: Record<string, string> = {};
  const byName = new Map<string, RisDevice>();
  for (const node of items(result ? childNamed(result, 'CmNodes') : undefined)) {
    const cmNode = text(node, 'Name');
    nodeCodes[cmNode] = text(node, 'ReturnCode');
    for (const d of items(childNamed(node, 'CmDevices'))) {
      const dev: RisDevice = {
        name: text(d, 'Name'), cmNode, status: text(d, 'Status'), statusReason: text(d, 'StatusReason'), deviceClass: text(d, 'DeviceClass'),
        model: text(d, 'Model'), protocol: text(d, 'Protocol'), dirNumber: text(d, 'DirNumber'), description: text(d, 'Description'),
        ip: ipOf(d), activeLoad: text(d, 'ActiveLoadID'), timeStamp: Number(text(d, 'TimeStamp')) || 0,
      };
      const prev = byName.get(dev.name);
      if (!prev || dev.timeStamp > prev.timeStamp) byName.set(dev.name, dev);
    }
  }
  return { total: Number(text(result, 'TotalDevicesFound')) || 0, devices: [...byName.values()], stateInfo: text(descendant(body, 'selectCmDeviceReturn') ?? body, 'StateInfo'), nodeCodes };
}
