/**
 * @module Generic AXL get/list/add/update/remove over the lab store, driven by the schema: the
 * request and response shapes (item element, key fields, returned tags) come from AXLSoap.xsd, so
 * Phone, Line, User, DevicePool, Css, RoutePartition, RoutePattern, SipTrunk and any other kind work
 * the same way. Faults use CUCM's codes (5007 not found, -239 duplicate, 4052 duplicate line).
 */
import type { XmlElement } from '../../lib/xsd/xml-tree.ts';
import { childNamed } from '../../lib/xsd/xml-tree.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { pickTags, toXValue, xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { AxlStore } from '../axl-store.ts';
import { keyFieldsOf } from '../axl-store.ts';
import type { LabData } from '../lab-data.ts';
import { AxlFault } from './soap.ts';
import type { AxlSchema } from './axl-schemas.ts';
import { completePhone } from './axl-complete.ts';

/** Reference fields whose `uuid` attribute the lab fills in from the target object. */
const REF_KINDS: Record<string, string> = {
  devicePoolName: 'DevicePool', callingSearchSpaceName: 'Css', routePartitionName: 'RoutePartition',
  ownerUserName: 'User', gatewayName: 'SipTrunk', shareLineAppearanceCssName: 'Css',
};

/** Accepted on add/update but never stored or returned (CUCM does not hand credentials back). */
const SECRET_FIELDS = new Set(['password', 'pin', 'digestCredentials']);

const LABELS: Record<string, string> = { Css: 'Calling Search Space', DevicePool: 'Device Pool', RoutePartition: 'Route Partition', RoutePattern: 'Route Pattern', SipTrunk: 'SIP Trunk', AppUser: 'Application User' };

export interface CrudResult {
  /** Value of the `return` element. */
  value: XValue;
}

function label(kind: string): string {
  return LABELS[kind] ?? kind;
}

function notFound(kind: string, shown: string, code = 5007): AxlFault {
  const what = kind === 'Phone' || kind === 'SipTrunk' ? shown : label(kind);
  return new AxlFault(`Item not valid: The specified ${what} was not found`, { axlcode: code, faultcode: 'Server' });
}

/** Fill `@uuid` on reference fields that name an existing object, recursively. */
function linkRefs(store: AxlStore, v: XValue | undefined): void {
  if (v === undefined || typeof v === 'string') return;
  if (Array.isArray(v)) { for (const x of v) linkRefs(store, x); return; }
  for (const [k, child] of Object.entries(v)) {
    if (k.startsWith('@') || child === undefined) continue;
    const kind = REF_KINDS[k];
    const name = xText(child);
    if (kind && name !== '') {
      const target = store.byKey(kind, [name]);
      v[k] = target ? { '#text': name, '@uuid': String(target['@uuid']) } : name;
    } else linkRefs(store, child);
  }
}

/** The object a get/update/remove request names (by uuid or by its key fields). */
function findTarget(data: LabData, kind: string, req: XmlElement): XObject {
  const store = data.axl;
  const uuidEl = childNamed(req, 'uuid');
  const keys = keyFieldsOf(kind);
  const values = keys.map((k) => childNamed(req, k)?.text ?? '');
  const hit = uuidEl ? store.byUuid(kind, uuidEl.text.trim()) : store.byKey(kind, values);
  if (!hit) throw notFound(kind, uuidEl ? uuidEl.text : values[0] ?? '');
  return hit;
}

function likeToRegExp(pattern: string): RegExp {
  const src = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  // eslint-disable-next-line security/detect-non-literal-regexp -- lab simulator only: a LIKE / wildcard pattern with every other character escaped
  return new RegExp(`^${src}$`, 'is');
}

/** listX: searchCriteria with `%` wildcards (case-insensitive), skip/first paging. */
function list(data: LabData, kind: string, req: XmlElement): { items: XObject[]; tags: XmlElement | undefined } {
  const criteria = (childNamed(req, 'searchCriteria')?.children ?? []).map((c) => [c.name, likeToRegExp(c.text)] as const);
  const tags = childNamed(req, 'returnedTags');
  const first = childNamed(req, 'first');
  const skip = first ? Number(childNamed(req, 'skip')?.text ?? '0') : 0;
  const limit = first ? Number(first.text) : Infinity;
  const items: XObject[] = [];
  let skipped = 0;
  for (const obj of data.axl.all(kind)) {
    if (!criteria.every(([f, re]) => re.test(xText(obj[f])))) continue;
    if (skipped < skip) { skipped++; continue; }
    if (items.length >= limit) break;
    items.push(obj);
  }
  return { items, tags };
}

function addLinesFor(data: LabData, phone: XObject): void {
  for (const line of xList(xObj(phone.lines)?.line)) {
    const dirn = xObj(xObj(line)?.dirn);
    if (!dirn) continue;
    const pattern = xText(dirn.pattern);
    const pt = xText(dirn.routePartitionName);
    let existing = data.axl.byKey('Line', [pattern, pt]);
    if (!existing) {
      const created: XObject = { pattern, usage: 'Device', routePartitionName: pt };
      linkRefs(data.axl, created);
      data.axl.add('Line', created);
      existing = created;
    }
    dirn['@uuid'] = String(existing['@uuid']);
  }
}

function add(data: LabData, kind: string, req: XmlElement): string {
  const el = req.children[0];
  const obj = el ? xObj(toXValue(el)) ?? {} : {};
  delete obj['@uuid'];
  for (const f of SECRET_FIELDS) delete obj[f];
  if (kind === 'Phone' && obj.model === undefined && obj.product !== undefined) obj.model = xText(obj.product);
  linkRefs(data.axl, obj);
  if (kind === 'Phone') addLinesFor(data, obj);
  const uuid = data.axl.add(kind, obj);
  if (uuid === undefined) {
    if (kind === 'Line') throw new AxlFault('Directory Number already exists', { axlcode: 4052 });
    throw new AxlFault('Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:).', { axlcode: -239 });
  }
  return uuid;
}

function update(data: LabData, kind: string, req: XmlElement): string {
  const target = findTarget(data, kind, req);
  const keys = new Set(['uuid', ...keyFieldsOf(kind)]);
  const oldKey = data.axl.keyOf(kind, target);
  const oldName = xText(target.name).toUpperCase();
  for (const c of req.children) {
    if (keys.has(c.name) || SECRET_FIELDS.has(c.name)) continue;
    const renamed = /^new([A-Z].*)$/.exec(c.name);
    const field = renamed ? renamed[1]![0]!.toLowerCase() + renamed[1]!.slice(1) : undefined;
    if (field && keys.has(field)) { target[field] = c.text; continue; }
    if (c.name === 'addLines' || c.name === 'removeLines') { changeLines(data, target, c); continue; }
    const v = toXValue(c);
    linkRefs(data.axl, v);
    target[c.name] = typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? '' : v;
  }
  if (kind === 'Phone') addLinesFor(data, target);
  if (!data.axl.rekey(kind, target, oldKey)) throw new AxlFault('Could not update row - duplicate value in a UNIQUE INDEX column (Unique Index:).', { axlcode: -239 });
  data.axl.updated(kind, target);
  const newName = xText(target.name).toUpperCase();
  if (kind === 'Phone' && newName !== oldName) {
    // A renamed device re-registers under its new name (RIS reports the new name).
    const reg = data.registrations.get(oldName);
    if (reg) { data.registrations.delete(oldName); data.registrations.set(newName, reg); }
  }
  return String(target['@uuid']);
}

function changeLines(data: LabData, phone: XObject, el: XmlElement): void {
  const lines = xObj(phone.lines) ?? {};
  const current = xList(lines.line);
  const given = xList(xObj(toXValue(el))?.line);
  if (el.name === 'addLines') current.push(...given);
  else {
    const drop = new Set(given.map((g) => xText(xObj(g)?.index)));
    for (let i = current.length - 1; i >= 0; i--) if (drop.has(xText(xObj(current[i])?.index))) current.splice(i, 1);
  }
  lines.line = current;
  phone.lines = lines;
  data.axl.touch();
}

/** Run get/list/add/update/remove for `op`; undefined when `op` is not one of them. */
export function runCrud(schema: AxlSchema, data: LabData, op: string, req: XmlElement): CrudResult | undefined {
  const m = /^(get|list|add|update|remove)([A-Z].*)$/.exec(op);
  if (!m || !schema.model.hasElement(`${op}Response`)) return undefined;
  const verb = m[1]!;
  const kind = m[2]!;
  const item = kind[0]!.toLowerCase() + kind.slice(1);
  if (verb === 'get') {
    const obj = findTarget(data, kind, req);
    // getPhone answers every field CUCM has for a phone, not only what the lab stored.
    const full = kind === 'Phone' ? completePhone(schema.model, obj) : obj;
    return { value: { [item]: pickTags(full, childNamed(req, 'returnedTags')) } };
  }
  if (verb === 'list') {
    const { items, tags } = list(data, kind, req);
    return { value: items.length === 0 ? '' : { [item]: items.map((o) => pickTags(o, tags)) } };
  }
  if (verb === 'add') return { value: add(data, kind, req) };
  if (verb === 'update') return { value: update(data, kind, req) };
  const obj = findTarget(data, kind, req);
  data.axl.remove(kind, obj);
  if (kind === 'Phone') data.registrations.delete(xText(obj.name).toUpperCase());
  return { value: String(obj['@uuid']) };
}
