/**
 * @module LogCollectionPortTypeService and DimeGetFileService of a lab node: listNodeServiceLogs
 * (every node of the cluster), selectLogFiles (this node's files modified within FromDate-ToDate,
 * read as MM/DD/YY hh:mm AM in the TimeZone string's offset) and GetOneFile as a SOAP-with-
 * attachments multipart answer that streams the file with backpressure (`dime:slow` trickles it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import { sendXml } from '../http-util.ts';
import { SYSTEM_LOGS } from './trace-files.ts';
import type { LabTraceFiles } from './trace-files.ts';
import type { LabLogFile } from './trace-files.ts';
import type { LabCdrRepository } from './cdr-files.ts';
import { findAll, findText, op, readSvcRequest, sendFault, svcEnvelope } from './svc-soap.ts';

/** `Client: (GMT-8:0)America/Los_Angeles` → -480 minutes; anything else → undefined. */
export function parseTimeZone(tz: string): number | undefined {
  const m = /^Client: \(GMT([+-])(\d{1,2}):(\d{1,2})\)\S/.exec(tz.trim());
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** `10/05/22 11:05 AM` at `offsetMin` from UTC → epoch ms. */
export function parseLogDate(text: string, offsetMin: number): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}) (AM|PM)$/.exec(text.trim());
  if (!m) return undefined;
  const h = (Number(m[4]) % 12) + (m[6] === 'PM' ? 12 : 0);
  return Date.UTC(2000 + Number(m[3]), Number(m[1]) - 1, Number(m[2]), h, Number(m[5])) - offsetMin * 60_000;
}

function modified(ms: number): string {
  // e.g. `Tue Dec 01 21:40:12 UTC 2026`, as Log Collection prints it.
  const d = new Date(ms);
  const [dow, day, mon, year] = d.toUTCString().split(' ');
  return `${dow!.slice(0, 3)} ${mon} ${day} ${d.toISOString().slice(11, 19)} UTC ${year}`;
}

export interface LogCollectionDeps { node: LabNode; cluster: ReadonlyArray<Pick<LabNode, 'name'>>; data: LabData; faults: FaultDice; traces: LabTraceFiles; cdr?: LabCdrRepository }

export function createLogCollectionHandler(d: LogCollectionDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { node, data, faults } = d;
  return async function handleLogCollection(req, res) {
    const body = await readSvcRequest(req, res, { data, faults, realm: 'Cisco Log Collection' });
    if (!body) return;
    if (!data.services.running(node.name, 'Cisco Trace Collection Service')) { sendFault(res, 'Cisco Trace Collection Service is not running on this node'); return; }
    const now = Date.now();
    if (body.name === 'listNodeServiceLogs') {
      sendXml(res, 200, svcEnvelope((w) => {
        op(w, 'listNodeServiceLogsResponse');
        for (const n of d.cluster) {
          w.open('ns1:listNodeServiceLogsReturn').leaf('ns1:name', n.name).open('ns1:ServiceLog');
          for (const s of data.services.list(n.name)) if (s.activated) w.leaf('ns1:item', s.name);
          w.close().open('ns1:SystemLog');
          for (const s of SYSTEM_LOGS) w.leaf('ns1:item', s);
          w.close().close();
        }
        w.close();
      }));
      return;
    }
    if (body.name === 'selectLogFiles') {
      const offset = parseTimeZone(findText(body, 'TimeZone') ?? '');
      const from = offset === undefined ? undefined : parseLogDate(findText(body, 'FromDate') ?? '', offset);
      const to = offset === undefined ? undefined : parseLogDate(findText(body, 'ToDate') ?? '', offset);
      if (offset === undefined) { sendFault(res, 'Invalid TimeZone: expected "Client: (GMT+H:M)Zone"', 'soapenv:Client'); return; }
      if (from === undefined || to === undefined) { sendFault(res, 'Invalid FromDate/ToDate: expected MM/DD/YY hh:mm AM|PM', 'soapenv:Client'); return; }
      const wanted = new Set([...findAll(body, 'ServiceLogs'), ...findAll(body, 'SystemLogs')].flatMap((e) => e.children.map((c) => c.text.trim().toLowerCase())).filter(Boolean));
      const files = d.traces.files(node, now).filter((f) => wanted.has(f.service.toLowerCase()) && f.modifiedMs >= from && f.modifiedMs - 20 * 60_000 <= to + 60_000);
      const byService = new Map<string, LabLogFile[]>();
      for (const f of files) byService.set(f.service, [...(byService.get(f.service) ?? []), f]);
      sendXml(res, 200, svcEnvelope((w) => {
        op(w, 'selectLogFilesResponse').open('ns1:ResultSet').open('ns1:SchemaFileSelectionResult').open('ns1:Node').leaf('ns1:name', node.name).open('ns1:ServiceList');
        for (const [service, list] of byService) {
          w.open('ns1:ServiceLogs').leaf('ns1:name', service).open('ns1:SetOfFiles');
          for (const f of list) w.open('ns1:File').leaf('ns1:name', f.name).leaf('ns1:absolutepath', f.path).leaf('ns1:filesize', String(f.size)).leaf('ns1:modifiedDate', modified(f.modifiedMs)).close();
          w.close().close();
        }
        w.close().close().close().close().close();
      }));
      return;
    }
    if (body.name === 'GetOneFile' || body.name === 'FileName') {
      const path = (body.name === 'FileName' ? body.text : findText(body, 'FileName') ?? '').trim();
      const trace = d.traces.files(node, now).find((f) => f.path === path);
      const cdr = trace ? undefined : d.cdr?.byPath(path, now);
      const file: LabLogFile | undefined = trace ?? (cdr ? { name: cdr.name, path: cdr.path, service: 'CDR', modifiedMs: now, size: Buffer.byteLength(cdr.text), chunks: () => [Buffer.from(cdr.text)] } : undefined);
      if (!file) { sendFault(res, `FileName ${path} does not exist or permission denied`); return; }
      await sendMultipart(res, file, faults.plan.dimeSlow);
      return;
    }
    sendFault(res, `No such operation '${body.name}'`, 'soapenv:Client');
  };
}

async function sendMultipart(res: ServerResponse, file: LabLogFile, slow: boolean): Promise<void> {
  const boundary = `----=_Part_${randomBytes(4).readUInt32BE()}_${Date.now()}`;
  const rootId = `<${randomBytes(16).toString('hex').toUpperCase()}>`;
  const fileId = randomBytes(16).toString('hex').toUpperCase();
  const soap = svcEnvelope((w) => { op(w, 'GetOneFileResponse').leaf('ns1:GetOneFileReturn', undefined, { href: `cid:${fileId}` }).close(); });
  const head = Buffer.from(`\r\n--${boundary}\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\nContent-Id: ${rootId}\r\n\r\n${soap}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-Id: <${fileId}>\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  if (slow) await new Promise((r) => setTimeout(r, 1500));
  res.writeHead(200, { 'Content-Type': `multipart/related; type="text/xml"; start="${rootId}"; boundary="${boundary}"`, 'Content-Length': String(head.length + file.size + tail.length) });
  let closed = false;
  res.on('close', () => { closed = true; });
  // Wait for 'drain' (or the client going away) without leaving a listener behind per chunk.
  const drained = (): Promise<void> => new Promise((done) => {
    const finish = (): void => { res.off('drain', finish); res.off('close', finish); done(); };
    res.on('drain', finish);
    res.on('close', finish);
  });
  const write = async (b: Buffer): Promise<void> => {
    if (closed) return;
    if (!res.write(b)) await drained();
  };
  await write(head);
  for (const chunk of file.chunks()) {
    if (!slow) { await write(chunk); continue; }
    for (let i = 0; i < chunk.length && !closed; i += 16 * 1024) {
      await write(chunk.subarray(i, i + 16 * 1024));
      await new Promise((r) => setTimeout(r, 60));
    }
    if (closed) return;
  }
  if (!closed) res.end(tail);
}
