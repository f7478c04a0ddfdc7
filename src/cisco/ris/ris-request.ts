/**
 * @module The RisPort70 selectCmDeviceExt request (pages with StateInfo) (SVC-SAMPLES RISService70.wsdl), written with the
 * escaping XmlWriter; enumerated fields are checked against the WSDL's values first.
 */
import { AppError } from '../../lib/errors.ts';
import { soapEnvelope, assertXmlSafe } from '../soap/soap-envelope.ts';

export const RIS_NS = 'http://schemas.cisco.com/ast/soap';
export const RIS_DEVICE_CLASSES = ['Any', 'Phone', 'Gateway', 'H323', 'Cti', 'VoiceMail', 'MediaResources', 'HuntList', 'SIPTrunk', 'Unknown'] as const;
export const RIS_STATUSES = ['Any', 'Registered', 'UnRegistered', 'Rejected', 'PartiallyRegistered', 'Unknown'] as const;
export const RIS_SELECT_BY = ['Name', 'IPV4Address', 'IPV6Address', 'DirNumber', 'Description', 'SIPStatus'] as const;
/** RIS answers at most 1000 devices per request (developer.cisco.com RisPort overview). */
export const RIS_MAX_PER_REQUEST = 1000;

export interface RisQuery {
  items: string[];
  selectBy: typeof RIS_SELECT_BY[number];
  deviceClass: typeof RIS_DEVICE_CLASSES[number];
  status: typeof RIS_STATUSES[number];
  /** Numeric model enum; 255 = any. */
  model: number;
  max: number;
  stateInfo?: string;
}

const ITEM = /^[A-Za-z0-9*._:@+-]{1,128}$/;

export function checkRisItems(items: string[]): void {
  if (items.length > RIS_MAX_PER_REQUEST) throw new AppError('E_INPUT_INVALID', `Too many names: ${items.length} (at most ${RIS_MAX_PER_REQUEST} per call)`, { hint: 'use a wildcard such as SEP0011* or split the list' });
  for (const it of items) {
    if (!ITEM.test(it)) throw new AppError('E_INPUT_INVALID', `Invalid RIS selection item "${it.slice(0, 60)}"`, { hint: 'device names, IPs or directory numbers: letters, digits, . _ : @ + - and * as wildcard' });
  }
}

export function buildRisRequest(q: RisQuery): string {
  checkRisItems(q.items);
  assertXmlSafe(q.stateInfo ?? '', 'StateInfo');
  return soapEnvelope({ soap: RIS_NS }, (w) => {
    w.open('soap:selectCmDeviceExt').leaf('soap:StateInfo', q.stateInfo ?? '').open('soap:CmSelectionCriteria')
      .leaf('soap:MaxReturnedDevices', String(Math.min(q.max, RIS_MAX_PER_REQUEST))).leaf('soap:DeviceClass', q.deviceClass)
      .leaf('soap:Model', String(q.model)).leaf('soap:Status', q.status).leaf('soap:NodeName', '').leaf('soap:SelectBy', q.selectBy)
      .open('soap:SelectItems');
    for (const it of q.items.length ? q.items : ['*']) w.open('soap:item').leaf('soap:Item', it).close();
    w.close().leaf('soap:Protocol', 'Any').leaf('soap:DownloadStatus', 'Any').close().close();
  });
}
