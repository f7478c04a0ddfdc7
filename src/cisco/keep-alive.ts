/**
 * @module Idle, already-verified connections to a node kept for the next request (HTTP/1.1
 * keep-alive), so a burst of AXL calls pays one TCP + TLS handshake instead of one per call
 * (AXL-DG recommends reusing connections and the session). A socket is only ever reused for the
 * same host, port, TLS policy and pin it was verified against; idle ones close after `idleMs`.
 */
import type { Socket } from 'node:net';

export class KeepAlivePool {
  #idle = new Map<string, Socket[]>();
  #idleMs: number;
  #maxPerKey: number;

  constructor(idleMs = 30_000, maxPerKey = 4) {
    this.#idleMs = idleMs;
    this.#maxPerKey = maxPerKey;
  }

  /** An idle connection for `key`, or undefined (then the caller opens and verifies a new one). */
  take(key: string): Socket | undefined {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const s = list.pop()!;
      s.removeAllListeners('timeout');
      s.removeAllListeners('close');
      s.setTimeout(0);
      if (!s.destroyed && s.writable && s.readable) return s;
    }
    return undefined;
  }

  /** Keep `sock` for the next request to `key` (closed instead when the pool for it is full). */
  put(key: string, sock: Socket): void {
    if (sock.destroyed || !sock.writable) return;
    const list = this.#idle.get(key) ?? [];
    if (list.length >= this.#maxPerKey) { sock.destroy(); return; }
    list.push(sock);
    this.#idle.set(key, list);
    const drop = (): void => { const i = list.indexOf(sock); if (i >= 0) list.splice(i, 1); sock.destroy(); };
    sock.setTimeout(this.#idleMs, drop);
    sock.once('close', drop);
    // An idle socket must never keep the process alive.
    sock.unref();
  }

  get idleCount(): number {
    let n = 0;
    for (const l of this.#idle.values()) n += l.length;
    return n;
  }

  closeAll(): void {
    for (const list of this.#idle.values()) for (const s of list.splice(0)) s.destroy();
    this.#idle.clear();
  }
}
