/**
 * @module POST /axl/ as CUCM answers it: Basic auth or JSESSIONIDSSO cookie, SOAPAction
 * `"CUCM:DB ver=X op"` checked against the body's namespace and operation, the request validated
 * against the version's AXLSoap.xsd, and responses written through the schema (BEHAVIOUR.md §1).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { parseXml, XmlParseError } from '../../lib/xsd/xml-tree.ts';
import type { XmlElement } from '../../lib/xsd/xml-tree.ts';
import { validateElement } from '../../lib/xsd/validate.ts';
import { writeValue } from '../../lib/xsd/serialize.ts';
import type { XValue } from '../../lib/xsd/xvalue.ts';
import { AXL_VERSIONS, axlSchema, ccmBuild, isAxlVersion } from './axl-schemas.ts';
import type { AxlSchema, AxlVersion } from './axl-schemas.ts';
import { AxlFault, SOAP_ENV_NS, axlFaultXml, beginEnvelope, endEnvelope } from './soap.ts';
import { runCrud } from './axl-crud.ts';
import { writeSqlQuery, writeSqlUpdate } from './axl-sql.ts';
import { BodyTooLarge, isAuthorized, readBody, sendXml, tomcatError, unauthorized } from '../http-util.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const SESSION_IDLE_MS = 30 * 60_000;
const VALIDATE_OPTS = { structureOnlyUnder: new Set(['returnedTags']) };

export interface AxlHandlerOptions {
  data: LabData;
  faults: FaultDice;
  /** Operations this node answers (IM&P serves a subset); undefined = all. */
  allowedOps?: ReadonlySet<string>;
}

interface Parsed { version: AxlVersion; op: string; body: XmlElement }

function parseSoapAction(h: string | undefined): { version: string; op: string } | undefined {
  if (!h) return undefined;
  const m = /^\s*"?\s*CUCM:DB\s+ver=([0-9.]+)\s+([A-Za-z0-9_]+)\s*"?\s*$/.exec(h);
  return m ? { version: m[1]!, op: m[2]! } : undefined;
}

function parseRequest(xml: string, soapAction: string | undefined, labVersion: AxlVersion): Parsed {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof XmlParseError) throw new AxlFault(err.message, { axlcode: -1 });
    throw err;
  }
  if (root.name !== 'Envelope' || root.ns !== SOAP_ENV_NS) throw new AxlFault('The request is not a SOAP 1.1 envelope', { axlcode: -1 });
  const body = root.children.find((c) => c.name === 'Body' && c.ns === SOAP_ENV_NS);
  const opEl = body?.children[0];
  if (!opEl) throw new AxlFault('The SOAP Body holds no operation', { axlcode: -1 });
  const nsMatch = /^http:\/\/www\.cisco\.com\/AXL\/API\/([0-9.]+)$/.exec(opEl.ns);
  if (!nsMatch) throw new AxlFault(`Unknown namespace "${opEl.ns}" for operation ${opEl.name}`, { axlcode: -1 });
  const action = parseSoapAction(soapAction);
  if (soapAction !== undefined && soapAction.trim() !== '' && soapAction.trim() !== '""' && !action) throw new AxlFault(`Invalid SOAPAction header "${soapAction}"`, { axlcode: -1 });
  let version = nsMatch[1]!;
  if (action && action.version !== version) throw new AxlFault(`The namespace version ${version} does not match the SOAPAction version ${action.version}`, { axlcode: -1 });
  if (action && action.op !== opEl.name) throw new AxlFault(`The SOAPAction operation ${action.op} does not match the request element ${opEl.name}`, { axlcode: -1 });
  // No SOAPAction and namespace 1.0: the oldest supported schema applies (BEHAVIOUR.md §1).
  if (version === '1.0' && !action) version = AXL_VERSIONS[0];
  const supported = AXL_VERSIONS.filter((v) => Number(v) <= Number(labVersion));
  if (!isAxlVersion(version) || !supported.includes(version)) throw new AxlFault(`Unsupported AXL version ${version}; this server supports ${supported.join(', ')}`, { axlcode: -1 });
  return { version, op: opEl.name, body: opEl };
}

/**
 * listChange (AXL-DG "Change Notification"): without startChangeId only the queue position
 * (queueInfo); with it, the changes from that id on (at most 1000) and nextStartChangeId.
 */
function listChange(data: LabData, body: XmlElement): XValue {
  const start = body.children.find((c) => c.name === 'startChangeId');
  const { changes, first, last } = data.axl.changesSince(start ? Number(start.text) || 0 : last0(data), 1000);
  const next = changes.length > 0 ? changes[changes.length - 1]!.id + 1 : Math.max(last + 1, start ? Number(start.text) || 0 : last + 1);
  const queueInfo = { firstChangeId: String(first), lastChangeId: String(last), nextStartChangeId: String(next), queueId: data.axl.changeQueueId };
  if (!start) return { queueInfo, changes: '' };
  return {
    queueInfo,
    changes: { change: changes.map((c) => ({ '@type': c.kind.toLowerCase(), '@uuid': c.uuid.replace(/[{}]/g, '').toLowerCase(), id: String(c.id), action: c.action, doGet: c.action === 'r' ? 'false' : 'true' })) },
  };
}

function last0(data: LabData): number {
  return data.axl.changesSince(Number.MAX_SAFE_INTEGER, 0).last + 1;
}

function runOperation(schema: AxlSchema, data: LabData, p: Parsed): { write(w: XmlWriter, name: string, attrs: Record<string, string>): void; rows?: number } {
  const { op, body } = p;
  if (op === 'executeSQLQuery') return writeSqlQuery(data, body.children[0]?.text ?? '');
  if (op === 'executeSQLUpdate') return writeSqlUpdate(data, body.children[0]?.text ?? '');
  let value: XValue | undefined;
  if (op === 'getCCMVersion') value = { componentVersion: { version: ccmBuild(data.version) } };
  else if (op === 'listChange') value = listChange(data, body);
  else value = runCrud(schema, data, op, body)?.value;
  if (value === undefined && /^(do|apply|reset|restart)[A-Z]/.test(op)) value = 'true';
  if (value === undefined) throw new AxlFault(`The lab does not implement ${op}`, { axlcode: -1, faultcode: 'Server' });
  const v = value;
  // A list answer's row count, for "Total rows matched: N rows" when it is too large (as CUCM says it).
  const rows = /^list[A-Z]/.test(op) && typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Math.max(0, ...Object.values(v).map((x) => (Array.isArray(x) ? x.length : x === undefined || x === '' ? 0 : 1)))
    : undefined;
  return {
    ...(rows !== undefined ? { rows } : {}),
    write(w, name, attrs) {
      const type = schema.model.elementType(`${op}Response`);
      if (!type) throw new AxlFault(`No response type for ${op}`, { axlcode: -1, faultcode: 'Server' });
      // Most answers wrap their data in <return>; listChangeResponse carries queueInfo and changes directly.
      const content = op === 'listChange' && typeof v === 'object' && !Array.isArray(v) ? v : { return: v };
      writeValue(schema.model, w, { name, value: { ...content, ...(attrs.sequence ? { '@sequence': attrs.sequence } : {}) }, type, extraAttrs: { 'xmlns:ns': attrs['xmlns:ns']! } });
    },
  };
}

/** Build the request handler for one node's /axl/ endpoint. */
export function createAxlHandler(opts: AxlHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { data, faults } = opts;
  const sessions = new Map<string, number>();
  let inFlight = 0;
  const labVersion = data.version as AxlVersion;
  return async function handleAxl(req, res) {
    if (req.method !== 'POST') { tomcatError(res, 405, 'Method Not Allowed', { Allow: 'POST' }); return; }
    const cookie = /JSESSIONIDSSO=([A-F0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
    let setCookie: string | undefined;
    if (faults.plan.credentialsExpired) { unauthorized(res, 'Cisco AXL API'); return; }
    if (isAuthorized(req, data.credentials.username, data.credentials.password)) {
      if (!cookie || !sessions.has(cookie)) {
        const id = randomBytes(16).toString('hex').toUpperCase();
        sessions.set(id, Date.now());
        setCookie = `JSESSIONIDSSO=${id}; Path=/; Secure; HttpOnly`;
      } else sessions.set(cookie, Date.now());
    } else if (cookie && sessions.has(cookie) && !req.headers.authorization) {
      if (Date.now() - sessions.get(cookie)! > SESSION_IDLE_MS) { sessions.delete(cookie); tomcatError(res, 404, 'Not Found'); return; }
      sessions.set(cookie, Date.now());
    } else { unauthorized(res, 'Cisco AXL API'); return; }
    inFlight++;
    let op = 'unknown';
    let axlNamespace: string | undefined;
    try {
      const raw = await readBody(req, MAX_REQUEST_BYTES);
      await faults.delay();
      const status = faults.httpError('axl');
      if (status === 503) { tomcatError(res, 503, 'Service Unavailable', { 'Retry-After': '1' }); return; }
      if (status === 500) throw new AxlFault('Internal Server Error', { axlcode: -1, faultcode: 'Server' });
      if (inFlight > faults.plan.axlConcurrency || faults.roll(faults.plan.axlThrottleRate)) {
        faults.served('axl:memory');
        throw new AxlFault('Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed', { axlcode: -1, faultcode: 'Server' });
      }
      const parsed = parseRequest(raw.toString('utf8'), req.headers.soapaction as string | undefined, labVersion);
      op = parsed.op;
      const schema = axlSchema(parsed.version);
      axlNamespace = schema.namespace;
      if (!schema.operations.has(op) || !schema.model.hasElement(op)) throw new AxlFault(`Operation ${op} is not defined in AXL ${parsed.version}`, { axlcode: -1 });
      if (opts.allowedOps && !opts.allowedOps.has(op)) throw new AxlFault(`Operation ${op} is not supported on this node`, { axlcode: -1, faultcode: 'Server' });
      const invalid = validateElement(schema.model, parsed.body, op, VALIDATE_OPTS);
      if (invalid) throw new AxlFault(invalid, { axlcode: 5000 });
      const result = runOperation(schema, data, parsed);
      const w = beginEnvelope(new XmlWriter());
      const attrs: Record<string, string> = { 'xmlns:ns': schema.namespace };
      if (parsed.body.attrs.sequence) attrs.sequence = parsed.body.attrs.sequence;
      result.write(w, `ns:${op}Response`, attrs);
      const xml = endEnvelope(w);
      if (Buffer.byteLength(xml) > faults.plan.axlMaxBytes) {
        const rows = result.rows ?? 0;
        const fit = Math.max(1, Math.floor(rows * faults.plan.axlMaxBytes / Buffer.byteLength(xml)));
        throw new AxlFault(`Query request too large. Total rows matched: ${rows} rows. Suggestive Row Fetch: less than ${fit} rows`, { axlcode: -1, faultcode: 'Server' });
      }
      sendXml(res, 200, xml, setCookie ? { 'Set-Cookie': setCookie } : {});
    } catch (err) {
      if (err instanceof BodyTooLarge) { tomcatError(res, 413, 'Request Entity Too Large'); return; }
      const f = err instanceof AxlFault ? err : new AxlFault(`Internal error: ${(err as Error).message}`, { axlcode: -1, faultcode: 'Server' });
      sendXml(res, f.httpStatus, axlFaultXml({ message: f.message, axlcode: f.axlcode, faultcode: f.faultcode, request: op, axlNamespace }));
    } finally {
      inFlight--;
    }
  };
}
