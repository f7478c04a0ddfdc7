/**
 * @module Read a selectCmDevice answer into flat device records, merged across CM nodes: a device
 * seen under several nodes is kept once, newest TimeStamp first (RIS-DOC "may appear in multiple").
 */
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';

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

/**
 * `total`: devices found, each counted once. RIS counts a device once per CM node that reports it
 * (TotalDevicesFound), so entries merged away are taken off; `duplicates` says how many.
 */
export interface RisAnswer { total: number; devices: RisDevice[]; stateInfo: string; nodeCodes: Record<string, string>; duplicates: number }

function text(o: XObject | undefined, name: string): string {
  return xText(o?.[name]).trim();
}

/** The `item` children of a RIS list element (absent, nil or empty → none). */
function items(v: XValue | undefined): XObject[] {
  return xList(xObj(v)?.item).map((x) => xObj(x)).filter((x): x is XObject => x !== undefined);
}

function ipOf(dev: XObject): string {
  const first = items(dev.IPAddress).map((i) => text(i, 'IP')).find(Boolean);
  return first ?? (xText(dev.IPAddress).trim() || text(dev, 'IpAddress'));
}

/** `value`: content of selectCmDeviceResponse (parseSoapAnswer). */
export function readRisAnswer(value: XObject): RisAnswer {
  const ret = xObj(value.selectCmDeviceReturn) ?? value;
  const result = xObj(ret.SelectCmDeviceResult);
  const nodeCodes: Record<string, string> = {};
  const byName = new Map<string, RisDevice>();
  let entries = 0;
  for (const node of items(result?.CmNodes)) {
    const cmNode = text(node, 'Name');
    nodeCodes[cmNode] = text(node, 'ReturnCode');
    for (const d of items(node.CmDevices)) {
      const dev: RisDevice = {
        name: text(d, 'Name'), cmNode, status: text(d, 'Status'), statusReason: text(d, 'StatusReason'), deviceClass: text(d, 'DeviceClass'),
        model: text(d, 'Model'), protocol: text(d, 'Protocol'), dirNumber: text(d, 'DirNumber'), description: text(d, 'Description'),
        ip: ipOf(d), activeLoad: text(d, 'ActiveLoadID'), timeStamp: Number(text(d, 'TimeStamp')) || 0,
      };
      entries++;
      const prev = byName.get(dev.name);
      if (!prev || dev.timeStamp > prev.timeStamp) byName.set(dev.name, dev);
    }
  }
  const duplicates = entries - byName.size;
  const reported = Number(text(result, 'TotalDevicesFound')) || 0;
  return { total: Math.max(byName.size, reported - duplicates), devices: [...byName.values()], stateInfo: text(ret, 'StateInfo'), nodeCodes, duplicates };
}
