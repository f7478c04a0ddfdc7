/**
 * @module Idle, already-verified connections to a node kept for the next request (HTTP/1.1
 * keep-alive), so a burst of AXL calls pays one TCP + TLS handshake instead of one per call
 * (AXL-DG recommends reusing connections and the session). A socket is only ever reused for the
 * same host, port, TLS policy and pin it was verified against; idle ones close after `idleMs`.
 */
import type { Socket } from 'node:net';
import { MAX_PER_ENDPOINT } from './node-gate.ts';

interface Idle { sock: Socket; drop: () => void }

export class KeepAlivePool {
  #idle = new Map<string, Idle[]>();
  #idleMs: number;
  #maxPerKey: number;

  /**
   * `idleMs` stays under the servers' keep-alive timeouts (Tomcat: 20 s; Node: 5 s), so a kept socket is rarely stale.
   * `maxPerKey` is the node gate's cap: as many requests can be in flight to one endpoint, so a
   * smaller pool closed the surplus after a burst and the next burst paid fresh TLS handshakes.
   */
  constructor(idleMs = 4_000, maxPerKey = MAX_PER_ENDPOINT) {
    this.#idleMs = idleMs;
    this.#maxPerKey = maxPerKey;
  }

  /** An idle connection for `key`, or undefined (then the caller opens and verifies a new one). */
  take(key: string): Socket | undefined {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const { sock, drop } = list.pop()!;
      sock.off('timeout', drop);
      sock.off('close', drop);
      sock.setTimeout(0);
      if (!sock.destroyed && sock.writable && sock.readable) { sock.ref(); return sock; }
      sock.destroy();
    }
    return undefined;
  }

  /** Keep `sock` for the next request to `key` (closed instead when the pool for it is full). */
  put(key: string, sock: Socket): void {
    if (sock.destroyed || !sock.writable) { sock.destroy(); return; }
    const list = this.#idle.get(key) ?? [];
    if (list.length >= this.#maxPerKey) { sock.destroy(); return; }
    const entry: Idle = { sock, drop: () => { const i = list.indexOf(entry); if (i >= 0) list.splice(i, 1); sock.destroy(); } };
    list.push(entry);
    this.#idle.set(key, list);
    sock.setTimeout(this.#idleMs, entry.drop);
    sock.once('close', entry.drop);
    // An idle socket must never keep the process alive.
    sock.unref();
  }

  get idleCount(): number {
    let n = 0;
    for (const l of this.#idle.values()) n += l.length;
    return n;
  }

  closeAll(): void {
    for (const list of this.#idle.values()) for (const e of list.splice(0)) e.sock.destroy();
    this.#idle.clear();
  }
}
