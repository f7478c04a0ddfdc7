/**
 * @module ControlCenterServices (SVC-SAMPLES ControlCenterServices.wsdl): soapGetServiceStatus and
 * soapDoControlServices requests written with the escaping XmlWriter, and a lenient reader of
 * ServiceInformationResponse. Service names are data: checked against a printable pattern, then
 * escaped; the control type is one of the WSDL's three values.
 */
import { AppError } from '../../lib/errors.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { soapEnvelope } from '../soap/soap-envelope.ts';
import { SERVICEABILITY_NS, checkServiceNames } from './log-collection.ts';

export const CONTROL_CENTER_PATH = '/controlcenterservice2/services/ControlCenterServices';
export const CONTROL_TYPES = ['Start', 'Stop', 'Restart'] as const;
export type ControlType = typeof CONTROL_TYPES[number];
export const SERVICE_STATUSES = ['Started', 'Stopped', 'Starting', 'Stopping', 'Unknown'] as const;

export interface ServiceInfo {
  name: string;
  status: string;
  reasonCode: number;
  reason: string;
  /** As the node reports it (free text, e.g. `Tue Dec  1 20:00:01 2026`). */
  startTime: string;
  upTimeSeconds: number;
  /** ReasonCode -1068 "Service Not Activated" means the service is deactivated, not just stopped. */
  activated: boolean;
}

export interface ServiceStatusAnswer { returnCode: string; reasonCode: number; reason: string; services: ServiceInfo[] }

/** soapGetServiceStatus; no names asks for every service (the WSDL needs at least one element, so one empty one). */
export function buildGetServiceStatus(names: readonly string[] = []): string {
  checkServiceNames(names);
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open('soap:soapGetServiceStatus');
    for (const n of names.length ? names : ['']) w.leaf('soap:ServiceStatus', n);
    w.close();
  });
}

export function buildDoControlServices(node: string, control: ControlType, names: readonly string[]): string {
  if (!CONTROL_TYPES.includes(control)) throw new AppError('E_INPUT_INVALID', `Invalid control type "${String(control).slice(0, 20)}"`, { hint: 'use Start, Stop or Restart' });
  if (names.length === 0) throw new AppError('E_INPUT_INVALID', 'No service named', { hint: 'name at least one service, e.g. ["Cisco Tftp"]' });
  checkServiceNames(names);
  checkServiceNames([node], 'node');
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open('soap:soapDoControlServices').open('soap:ControlServiceRequest').leaf('soap:NodeName', node).leaf('soap:ControlType', control).open('soap:ServiceList');
    for (const n of names) w.leaf('soap:item', n);
    w.close().close().close();
  });
}

const NOT_ACTIVATED = -1068;

/** ServiceInformationResponse (of soapGetServiceStatusReturn or soapDoControlServicesReturn). */
export function readServiceStatus(value: XObject): ServiceStatusAnswer {
  const ret = xObj(value.soapGetServiceStatusReturn ?? value.soapDoControlServicesReturn) ?? {};
  const services = xList(xObj(ret.ServiceInfoList)?.item).map((i): ServiceInfo => {
    const o = xObj(i) ?? {};
    const reasonCode = Number(xText(o.ReasonCode)) || 0;
    const reason = xText(o.ReasonCodeString);
    return {
      name: xText(o.ServiceName), status: xText(o.ServiceStatus) || 'Unknown', reasonCode, reason, startTime: xText(o.StartTime),
      upTimeSeconds: Number(xText(o.UpTime)) || 0, activated: reasonCode !== NOT_ACTIVATED && !/not activated/i.test(reason),
    };
  });
  return { returnCode: xText(ret.ReturnCode), reasonCode: Number(xText(ret.ReasonCode)) || 0, reason: xText(ret.ReasonString), services };
}
