/**
 * @module CDRonDemand on the lab's CUCM publisher: get_file_list for at most one hour (UTC
 * `YYYYMMDDhhmm`), the faults CUCM gives for a longer or empty window; the files themselves
 * are served by DIME GetOneFile from the CDR repository folder. get_file (SFTP push) is refused:
 * the lab, like aibridge, opens no outbound SFTP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import { sendXml } from '../http-util.ts';
import { findText, op, readSvcRequest, sendFault, svcEnvelope } from './svc-soap.ts';
import type { LabCdrRepository } from './cdr-files.ts';

function utc(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp.trim());
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) : undefined;
}

export function createCdrHandler(opts: { node: LabNode; data: LabData; faults: FaultDice; repository: LabCdrRepository }): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { node, data, faults, repository } = opts;
  return async function handleCdr(req, res) {
    const body = await readSvcRequest(req, res, { data, faults, realm: 'Cisco CDRonDemand' });
    if (!body) return;
    if (!data.services.running(node.name, 'Cisco CDR Repository Manager')) { sendFault(res, 'Cisco CDR Repository Manager is not running'); return; }
    if (body.name === 'get_file_list') {
      const from = utc(findText(body, 'in0') ?? '');
      const to = utc(findText(body, 'in1') ?? '');
      if (from === undefined || to === undefined || to <= from) { sendFault(res, 'Invalid time format: expected YYYYMMDDhhmm in UTC', 'soapenv:Client'); return; }
      if (to - from > 3600_000) { sendFault(res, 'The time range between start time and end time must not exceed one hour', 'soapenv:Client'); return; }
      const files = repository.list(from, to, Date.now()).filter((f) => (findText(body, 'in2') ?? 'true').trim() === 'true' || f.name.startsWith('cdr_'));
      if (files.length === 0) { sendFault(res, 'No file found within the specified time range'); return; }
      sendXml(res, 200, svcEnvelope((w) => { op(w, 'get_file_listResponse').open('ns1:get_file_listReturn'); for (const f of files) w.leaf('ns1:FileName', f.name); w.close().close(); }));
      return;
    }
    if (body.name === 'get_file') { sendFault(res, 'get_file: SFTP transfer to the given server failed (the lab makes no outbound SFTP connection)'); return; }
    sendFault(res, `No such operation '${body.name}'`, 'soapenv:Client');
  };
}
