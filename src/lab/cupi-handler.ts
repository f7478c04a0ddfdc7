/**
 * @module Unity Connection CUPI at /vmrest/ (BEHAVIOUR.md §4): users, callhandlers,
 * distributionlists and schedulesets with XML by default and JSON on `Accept: application/json`,
 * `total`/`@total`, rowsPerPage/pageNumber paging, `query=(field is|startswith value)`,
 * POST 201 with the URI as text, PUT/DELETE 204, and ErrorDetails bodies for 400/404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { XmlWriter } from '../lib/xsd/xml-writer.ts';
import { parseXml } from '../lib/xsd/xml-tree.ts';
import type { CupiObject, LabData } from './lab-data.ts';
import type { FaultDice } from './faults.ts';
import { BodyTooLarge, isAuthorized, readBody, tomcatError, unauthorized } from './http-util.ts';

interface Collection { key: keyof LabData['cupi']; list: string; item: string; label: string; base: string }

const COLLECTIONS: Record<string, Collection> = {
  users: { key: 'users', list: 'Users', item: 'User', label: 'user', base: '/vmrest/users' },
  'handlers/callhandlers': { key: 'callhandlers', list: 'Callhandlers', item: 'Callhandler', label: 'callhandler', base: '/vmrest/handlers/callhandlers' },
  distributionlists: { key: 'distributionlists', list: 'DistributionLists', item: 'DistributionList', label: 'distributionlist', base: '/vmrest/distributionlists' },
  schedulesets: { key: 'schedulesets', list: 'ScheduleSets', item: 'ScheduleSet', label: 'scheduleset', base: '/vmrest/schedulesets' },
};

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

function wantsJson(req: IncomingMessage): boolean {
  return /application\/json/i.test(req.headers.accept ?? '');
}

function sendError(res: ServerResponse, json: boolean, err: { status: number; code: string; message: string }): void {
  if (json) {
    res.writeHead(err.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: { code: err.code, message: err.message } }));
    return;
  }
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n');
  w.open('ErrorDetails').open('errors').leaf('code', err.code).leaf('message', err.message).close().close();
  res.writeHead(err.status, { 'Content-Type': 'application/xml' });
  res.end(w.toString());
}

function writeObject(w: XmlWriter, name: string, o: CupiObject): void {
  w.open(name);
  for (const [k, v] of Object.entries(o)) w.leaf(k, v);
  w.close();
}

function sendList(res: ServerResponse, json: boolean, c: Collection, total: number, items: CupiObject[] | undefined): void {
  if (json) {
    const out: Record<string, unknown> = { '@total': String(total) };
    if (items && items.length > 0) out[c.item] = items.length === 1 ? items[0] : items;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(out));
    return;
  }
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>');
  if (!items || items.length === 0) w.leaf(c.list, undefined, { total: String(total) });
  else { w.open(c.list, { total: String(total) }); for (const o of items) writeObject(w, c.item, o); w.close(); }
  res.writeHead(200, { 'Content-Type': 'application/xml' });
  res.end(w.toString());
}

/** `(alias startswith jo)` / `(DtmfAccessId is 1000)` → predicate; undefined when unparsable. */
function queryFilter(q: string | null): ((o: CupiObject) => boolean) | undefined | null {
  if (q === null) return undefined;
  const m = /^\(\s*(\w+)\s+(is|startswith)\s+(.*?)\s*\)$/i.exec(q);
  if (!m) return null;
  const field = m[1]!.toLowerCase();
  const value = m[3]!.toLowerCase();
  const starts = m[2]!.toLowerCase() === 'startswith';
  return (o) => {
    const k = Object.keys(o).find((x) => x.toLowerCase() === field);
    const v = (k ? o[k] ?? '' : '').toLowerCase();
    return starts ? v.startsWith(value) : v === value;
  };
}

async function readFields(req: IncomingMessage): Promise<Record<string, string>> {
  const raw = (await readBody(req, 256 * 1024)).toString('utf8');
  const out: Record<string, string> = {};
  if (/json/i.test(req.headers['content-type'] ?? '')) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('Body is not a JSON object');
    for (const [k, v] of Object.entries(parsed)) if (FIELD_NAME.test(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) out[k] = String(v);
  } else for (const c of parseXml(raw).children) if (FIELD_NAME.test(c.name)) out[c.name] = c.text;
  return out;
}

export function createCupiHandler(opts: { data: LabData; faults: FaultDice }): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { data, faults } = opts;
  return async function handleCupi(req, res) {
    const json = wantsJson(req);
    if (faults.plan.credentialsExpired || !isAuthorized(req, data.credentials.username, data.credentials.password)) { unauthorized(res, 'Cisco Unity Connection'); return; }
    await faults.delay();
    const failed = faults.httpError('cupi');
    if (failed) { tomcatError(res, failed, failed === 503 ? 'Service Unavailable' : 'Internal Server Error'); return; }
    const url = new URL(req.url ?? '/', 'https://lab');
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    const m = /^\/vmrest\/(users|handlers\/callhandlers|distributionlists|schedulesets)(?:\/([0-9a-fA-F-]{36}))?\/?$/.exec(url.pathname);
    const c = m ? COLLECTIONS[m[1]!] : undefined;
    if (!m || !c) { sendError(res, json, { status: 404, code: 'NOT_FOUND', message: `No resource found at ${url.pathname}` }); return; }
    const items = data.cupi[c.key];
    const id = m[2]?.toLowerCase();
    const found = id ? items.findIndex((o) => o.ObjectId === id) : -1;
    // A PUT to a missing schedule set gets 400 DATA_EXCEPTION "ScheduleSet not found " (CUPI-SCHED capture), not 404.
    if (id && found < 0 && req.method === 'PUT' && c.key === 'schedulesets') { req.resume(); sendError(res, json, { status: 400, code: 'DATA_EXCEPTION', message: `${c.item} not found ` }); return; }
    if (id && found < 0) { sendError(res, json, { status: 404, code: 'NOT_FOUND', message: `${c.label} - ObjectId=${id}` }); return; }
    try {
      if (req.method === 'GET' && id) {
        if (json) { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(items[found])); return; }
        const w = new XmlWriter().raw('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>');
        writeObject(w, c.item, items[found]!);
        res.writeHead(200, { 'Content-Type': 'application/xml' });
        res.end(w.toString());
      } else if (req.method === 'GET') {
        const filter = queryFilter(url.searchParams.get('query'));
        if (filter === null) { sendError(res, json, { status: 400, code: 'INVALID_PARAMETER', message: 'Invalid query parameter' }); return; }
        const matched = filter ? items.filter(filter) : items;
        const rows = url.searchParams.get('rowsPerPage');
        const pageNo = url.searchParams.get('pageNumber');
        if (rows === '0' || pageNo === '0') { sendList(res, json, c, matched.length, undefined); return; }
        const per = rows ? Math.max(1, Math.min(2000, Number(rows) || 2000)) : 2000;
        const p = Math.max(1, Number(pageNo) || 1);
        sendList(res, json, c, matched.length, matched.slice((p - 1) * per, p * per));
      } else if (req.method === 'POST' && !id) {
        const fields = await readFields(req);
        if (!fields.DisplayName && !fields.Alias) { sendError(res, json, { status: 400, code: 'DATA_EXCEPTION', message: 'DisplayName or Alias is required' }); return; }
        const objectId = randomUUID();
        const obj: CupiObject = { URI: `${c.base}/${objectId}`, ObjectId: objectId, ...fields };
        obj.URI = `${c.base}/${objectId}`;
        obj.ObjectId = objectId;
        items.push(obj);
        res.writeHead(201, { 'Content-Type': 'text/plain' });
        res.end(obj.URI);
      } else if (req.method === 'PUT' && id) {
        const fields = await readFields(req);
        delete fields.ObjectId;
        delete fields.URI;
        Object.assign(items[found]!, fields);
        res.writeHead(204).end();
      } else if (req.method === 'DELETE' && id) {
        if (items[found]!.Undeletable === 'true') { sendError(res, json, { status: 400, code: 'DATA_EXCEPTION', message: `${c.item} is undeletable` }); return; }
        items.splice(found, 1);
        res.writeHead(204).end();
      } else tomcatError(res, 405, 'Method Not Allowed');
    } catch (err) {
      if (err instanceof BodyTooLarge) { tomcatError(res, 413, 'Request Entity Too Large'); return; }
      sendError(res, json, { status: 400, code: 'DATA_EXCEPTION', message: (err as Error).message });
    }
  };
}
