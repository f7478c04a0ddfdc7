/**
 * @module The lab's CUCM configuration database: AXL objects by kind (Phone, Line, User, …) held
 * in their AXL shape, indexed by uuid and by their key fields (name, or pattern + partition).
 * Every write bumps `revision`, so SQL, RIS and the CLI always see the current data.
 */
import { randomUUID } from 'node:crypto';
import type { XObject } from '../lib/xsd/xvalue.ts';
import { xText } from '../lib/xsd/xvalue.ts';

/** Key fields per kind where it is not `name` (from the Get<Kind>Req choice in AXLSoap.xsd). */
const KEY_FIELDS: Record<string, string[]> = {
  Line: ['pattern', 'routePartitionName'],
  RoutePattern: ['pattern', 'routePartitionName'],
  TransPattern: ['pattern', 'routePartitionName'],
  User: ['userid'],
  AppUser: ['userid'],
};

export function keyFieldsOf(kind: string): string[] {
  return KEY_FIELDS[kind] ?? ['name'];
}

/** `{UPPER-CASE-GUID}` as AXL writes uuids. */
export function newAxlUuid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

/** Lower-case bare pkid as the Informix tables hold it. */
export function pkidOf(uuid: string): string {
  return uuid.replace(/[{}]/g, '').toLowerCase();
}

/** One entry of the AXL change notification queue (listChange, AXL-DG "Change Notification"). */
export interface AxlChange { id: number; action: 'a' | 'u' | 'r'; kind: string; uuid: string }

/** Changes kept for listChange (older ones fall out of the queue, as on CUCM). */
const MAX_CHANGES = 10_000;

export class AxlStore {
  revision = 0;
  /** The change queue; recorded only once `trackChanges()` was called (not for the seeded dataset). */
  #changes: AxlChange[] | undefined;
  #nextChange = 1;
  readonly changeQueueId = `LAB${Date.now().toString(36).toUpperCase()}`;

  trackChanges(): void {
    this.#changes ??= [];
  }

  #record(action: AxlChange['action'], kind: string, obj: XObject): void {
    if (!this.#changes) return;
    this.#changes.push({ id: this.#nextChange++, action, kind, uuid: String(obj['@uuid']) });
    if (this.#changes.length > MAX_CHANGES) this.#changes.splice(0, this.#changes.length - MAX_CHANGES);
  }

  /** Changes with id >= `from` (at most `max`), and the queue's first and last ids. */
  changesSince(from: number, max: number): { changes: AxlChange[]; first: number; last: number } {
    const all = this.#changes ?? [];
    return { changes: all.filter((c) => c.id >= from).slice(0, max), first: all[0]?.id ?? this.#nextChange, last: this.#nextChange - 1 };
  }

  /** An update of `obj` (for the change queue). */
  updated(kind: string, obj: XObject): void {
    this.#record('u', kind, obj);
    this.revision++;
  }
  #byUuid = new Map<string, Map<string, XObject>>();
  #byKey = new Map<string, Map<string, string>>();

  #keyOf(kind: string, obj: XObject): string {
    return keyFieldsOf(kind).map((f) => xText(obj[f]).toLowerCase()).join('\u0000');
  }

  /** Key string for lookup values given in key-field order. */
  keyFromValues(values: string[]): string {
    return values.map((v) => v.toLowerCase()).join('\u0000');
  }

  #maps(kind: string): [Map<string, XObject>, Map<string, string>] {
    let u = this.#byUuid.get(kind);
    let k = this.#byKey.get(kind);
    if (!u || !k) { u = new Map(); k = new Map(); this.#byUuid.set(kind, u); this.#byKey.set(kind, k); }
    return [u, k];
  }

  /** Insert; returns the uuid, or undefined when the key already exists. */
  add(kind: string, obj: XObject): string | undefined {
    const [u, k] = this.#maps(kind);
    const key = this.#keyOf(kind, obj);
    if (k.has(key)) return undefined;
    const uuid = typeof obj['@uuid'] === 'string' ? obj['@uuid'] : newAxlUuid();
    obj['@uuid'] = uuid;
    u.set(uuid.toUpperCase(), obj);
    k.set(key, uuid.toUpperCase());
    this.revision++;
    this.#record('a', kind, obj);
    return uuid;
  }

  byUuid(kind: string, uuid: string): XObject | undefined {
    return this.#byUuid.get(kind)?.get(uuid.toUpperCase());
  }

  byKey(kind: string, values: string[]): XObject | undefined {
    const uuid = this.#byKey.get(kind)?.get(this.keyFromValues(values));
    return uuid ? this.byUuid(kind, uuid) : undefined;
  }

  /** Re-index after key fields of `obj` changed (call with the key it had before). */
  rekey(kind: string, obj: XObject, oldKey: string): boolean {
    const [, k] = this.#maps(kind);
    const key = this.#keyOf(kind, obj);
    if (key !== oldKey && k.has(key)) return false;
    k.delete(oldKey);
    k.set(key, String(obj['@uuid']).toUpperCase());
    this.revision++;
    return true;
  }

  keyOf(kind: string, obj: XObject): string {
    return this.#keyOf(kind, obj);
  }

  touch(): void {
    this.revision++;
  }

  remove(kind: string, obj: XObject): void {
    const [u, k] = this.#maps(kind);
    u.delete(String(obj['@uuid']).toUpperCase());
    k.delete(this.#keyOf(kind, obj));
    this.revision++;
    this.#record('r', kind, obj);
  }

  /** All objects of a kind in insertion order. */
  all(kind: string): XObject[] {
    return [...(this.#byUuid.get(kind)?.values() ?? [])];
  }

  count(kind: string): number {
    return this.#byUuid.get(kind)?.size ?? 0;
  }

  /** Reference value `{#text, @uuid}` to an object of `kind` named `name` (uuid when it exists). */
  ref(kind: string, name: string): XObject {
    const target = this.byKey(kind, [name]);
    const out: XObject = { '#text': name };
    if (target) out['@uuid'] = target['@uuid'];
    return out;
  }
}
