/**
 * @module Cap concurrent outbound requests per Cisco endpoint (T-RX-09): a stuck node ties up at
 * most `limit` requests; further calls wait their turn within their own deadline, and other nodes
 * are unaffected. CUCM itself throttles concurrent AXL work (AXL-DG), so queueing here is polite.
 */
import { upstreamError } from './upstream-error.ts';

interface Gate { active: number; waiting: Array<() => void> }

export const MAX_PER_ENDPOINT = 8;
const gates = new Map<string, Gate>();

export interface SlotRequest {
  /** `host:port` of the endpoint. */
  key: string;
  /** What to call it in messages. */
  what: string;
  /** Epoch ms after which waiting fails. */
  deadline: number;
  limit?: number;
}

/** Wait for a slot on `key`; resolves to a release function. Rejects when `deadline` passes first. */
export function acquireSlot(r: SlotRequest): Promise<() => void> {
  const { key, what, deadline } = r;
  const limit = r.limit ?? MAX_PER_ENDPOINT;
  let g = gates.get(key);
  if (!g) { g = { active: 0, waiting: [] }; gates.set(key, g); }
  const gate = g;
  const release = (): void => {
    gate.active--;
    const next = gate.waiting.shift();
    if (next) next();
    else if (gate.active === 0) gates.delete(key);
  };
  if (gate.active < limit) { gate.active++; return Promise.resolve(release); }
  return new Promise((resolve, reject) => {
    const go = (): void => { clearTimeout(timer); gate.active++; resolve(release); };
    const timer = setTimeout(() => {
      const i = gate.waiting.indexOf(go);
      if (i >= 0) gate.waiting.splice(i, 1);
      reject(upstreamError('node_busy', `${what} is busy: ${limit} requests are already waiting for it`, { hint: 'the node answers slowly or not at all; retry later and check its health' }));
    }, Math.max(0, deadline - Date.now()));
    gate.waiting.push(go);
  });
}

/** Requests in flight for a key (tests, /status). */
export function activeSlots(key: string): number {
  return gates.get(key)?.active ?? 0;
}
