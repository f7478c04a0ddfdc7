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
  product: string;
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
export interface RisAnswer {
  total: number;
  devices: RisDevice[];
  stateInfo: string;
  nodeCodes: Record<string, string>;
  duplicates: number;
  /** Device items in the answer, a device counted once per node that reports it (what the 1000 cap counts). */
  entries: number;
  /** Nodes that answered NoChange: nothing changed there since the StateInfo sent (they list no devices). */
  unchangedNodes: string[];
  /** True when every node listed its devices in name order (then a capped answer is the start of the selection). */
  ordered: boolean;
  /** Sum of TotalItemsFound over the StateInfo's Node elements, when RIS gives it: how many items matched before the cap. */
  itemsFound?: number;
}

/** TotalItemsFound summed over `<Node …/>` elements of a StateInfo string (undefined when absent). */
export function stateInfoItemsFound(stateInfo: string): number | undefined {
  let sum: number | undefined;
  for (const m of stateInfo.matchAll(/<Node\b[^>]*?\bTotalItemsFound="(\d{1,9})"/g)) sum = (sum ?? 0) + Number(m[1]);
  return sum;
}

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
  const unchangedNodes: string[] = [];
  let entries = 0;
  let ordered = true;
  for (const node of items(result?.CmNodes)) {
    let lastName = '';
    const cmNode = text(node, 'Name');
    nodeCodes[cmNode] = text(node, 'ReturnCode');
    if (text(node, 'NoChange') === 'true') unchangedNodes.push(cmNode);
    for (const d of items(node.CmDevices)) {
      const dev: RisDevice = {
        name: text(d, 'Name'), cmNode, status: text(d, 'Status'), statusReason: text(d, 'StatusReason'), deviceClass: text(d, 'DeviceClass'),
        model: text(d, 'Model'), product: text(d, 'Product'), protocol: text(d, 'Protocol'), dirNumber: text(d, 'DirNumber'), description: text(d, 'Description'),
        ip: ipOf(d), activeLoad: text(d, 'ActiveLoadID'), timeStamp: Number(text(d, 'TimeStamp')) || 0,
      };
      entries++;
      const key = dev.name.toUpperCase();
      if (key < lastName) ordered = false;
      lastName = key;
      const prev = byName.get(dev.name);
      if (!prev || dev.timeStamp > prev.timeStamp) byName.set(dev.name, dev);
    }
  }
  const duplicates = entries - byName.size;
  const reported = Number(text(result, 'TotalDevicesFound')) || 0;
  const stateInfo = text(ret, 'StateInfo');
  const itemsFound = stateInfoItemsFound(stateInfo);
  return {
    total: Math.max(byName.size, reported - duplicates), devices: [...byName.values()], stateInfo, nodeCodes, duplicates, entries, unchangedNodes, ordered,
    ...(itemsFound !== undefined ? { itemsFound } : {}),
  };
}
