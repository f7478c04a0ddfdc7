/**
 * @module CDRonDemand get_file_list (document/literal, `in0`/`in1` = UTC `YYYYMMDDhhmm`, `in2` =
 * also list CMR files), at most one hour per request as CUCM imposes, and the name check for
 * the files it lists. The files themselves are fetched with DIME GetOneFile from the CDR
 * repository folder, not with get_file: get_file makes the node push the file over SFTP to a
 * server aibridge would have to open inbound, on a network where aibridge accepts no connection
 * from Cisco nodes; GetOneFile reuses the HTTPS path and credentials already in use.
 */
import { AppError } from '../../lib/errors.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { soapEnvelope } from '../soap/soap-envelope.ts';
import { SERVICEABILITY_NS } from './log-collection.ts';

export const CDR_ON_DEMAND_PATH = '/CDRonDemandService2/services/CDRonDemandService';
export const CDR_MAX_SPAN_MS = 60 * 60_000;
/** Where the CDR Repository Manager keeps processed files, one folder per UTC day. */
export const CDR_REPOSITORY = '/var/log/active/cm/cdr_repository/processed';

/** `cdr_<cluster>_<node id>_<YYYYMMDDhhmm>_<sequence>` (and `cmr_…`). */
const CDR_FILE = /^(cdr|cmr)_[A-Za-z0-9-]{1,64}_\d{2}_(\d{12})_\d{1,10}$/;

export function utcStamp(d: Date): string {
  return d.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

export function buildGetFileList(from: Date, to: Date, withCmr = true): string {
  if (!(to.getTime() > from.getTime())) throw new AppError('E_INPUT_INVALID', 'The CDR time window is empty: "to" must be after "from"', { hint: 'give from/to as ISO times or last_minutes' });
  if (to.getTime() - from.getTime() > CDR_MAX_SPAN_MS) throw new AppError('E_INPUT_INVALID', 'CDRonDemand answers at most one hour per request', { hint: 'narrow from/to to 60 minutes or less (or use last_minutes up to 60)' });
  return soapEnvelope({ soap: SERVICEABILITY_NS }, (w) => {
    w.open('soap:get_file_list').leaf('soap:in0', utcStamp(from)).leaf('soap:in1', utcStamp(to)).leaf('soap:in2', withCmr ? 'true' : 'false').close();
  });
}

export function readFileList(value: XObject): string[] {
  const ret = xObj(value.get_file_listReturn) ?? value;
  return [...xList(ret.FileName), ...xList(ret.item)].map((v) => xText(v).trim()).filter((s) => s !== '');
}

/** The repository path of a CDR/CMR file name, or E_INPUT_INVALID: names are matched, never joined as given. */
export function cdrFilePath(name: string): string {
  const m = CDR_FILE.exec(name);
  if (!m) throw new AppError('E_INPUT_INVALID', `"${name.slice(0, 80)}" is not a CDR or CMR file name`, { hint: 'use a name from cucm_cdr_list, e.g. cdr_StandAloneCluster_01_202612011505_12' });
  return `${CDR_REPOSITORY}/${(m[2] ?? '').slice(0, 8)}/${name}`;
}
