/**
 * @module The in-process half of the notice bus (shared-state.ts `NoticeBus`): subscribers of this
 * process, and the one check of a notice that arrives from another instance. A received notice is
 * data from the network: it is parsed, its method must be one of NOTICE_METHODS, its id a UUID and
 * its client name bounded, or it is dropped.
 */
import { randomUUID } from 'node:crypto';
import { NOTICE_METHODS } from './shared-state.ts';
import type { DeliveredNotice, Notice, NoticeBus, NoticeMethod } from './shared-state.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CLIENT = /^[\x21-\x7e]{1,128}$/;
const MAX_BYTES = 1024;

/** Subscribers of this process: delivery is synchronous; a throwing subscriber does not stop the others. */
export class LocalNotices {
  readonly origin = randomUUID();
  readonly #subs = new Set<(n: DeliveredNotice) => void>();

  stamp(n: Notice): DeliveredNotice {
    return { method: n.method, ...(n.client !== undefined ? { client: n.client } : {}), id: randomUUID(), origin: this.origin };
  }

  deliver(n: DeliveredNotice): void {
    for (const fn of this.#subs) {
      try { fn(n); } catch { /* one subscriber's failure is its own */ }
    }
  }

  add(fn: (n: DeliveredNotice) => void): () => void {
    this.#subs.add(fn);
    return () => { this.#subs.delete(fn); };
  }
}

/** STATE_BACKEND=local: one instance, so every notice is this process's. */
export function createLocalNoticeBus(): NoticeBus {
  const local = new LocalNotices();
  return {
    async publish(n) { local.deliver(local.stamp(n)); },
    async subscribe(fn) { return local.add(fn); },
  };
}

/** A notice as another instance published it, or undefined when it is not one. */
export function parseNotice(raw: string): DeliveredNotice | undefined {
  if (raw.length > MAX_BYTES) return undefined;
  let v: unknown;
  try { v = JSON.parse(raw); } catch { return undefined; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.method !== 'string' || !(NOTICE_METHODS as readonly string[]).includes(o.method)) return undefined;
  if (typeof o.id !== 'string' || !UUID.test(o.id) || typeof o.origin !== 'string' || !UUID.test(o.origin)) return undefined;
  if (o.client !== undefined && (typeof o.client !== 'string' || !CLIENT.test(o.client))) return undefined;
  return { method: o.method as NoticeMethod, id: o.id, origin: o.origin, ...(o.client !== undefined ? { client: o.client as string } : {}) };
}
