/**
 * @module CLI sessions reused per client and node (logging in takes seconds on real nodes) and
 * closed after an idle period or at shutdown. Sessions of different clients are never shared.
 */
import type { CliResult, CliRunOptions, CliSessionOptions } from './cli-session.ts';
import type { CliSession } from './cli-session.ts';

export interface CliRun extends Omit<CliSessionOptions, 'hostKeys'>, Omit<CliRunOptions, 'maxOutputBytes'> {
  client: string;
  command: string;
}

export class CliSessionPool {
  #sessions = new Map<string, Promise<CliSession>>();
  #timer: NodeJS.Timeout;
  #idleMs: number;
  #base: { hostKeys: CliSessionOptions['hostKeys']; maxOutputBytes: number };

  constructor(base: { hostKeys: CliSessionOptions['hostKeys']; maxOutputBytes: number }, idleMs: number) {
    this.#base = base;
    this.#idleMs = idleMs;
    this.#timer = setInterval(() => this.#reap(), Math.min(idleMs, 30_000));
    this.#timer.unref();
  }

  #reap(): void {
    for (const [key, p] of this.#sessions) {
      void p.then((s) => { if (s.isClosed || Date.now() - s.lastUsed > this.#idleMs) { s.close(); if (this.#sessions.get(key) === p) this.#sessions.delete(key); } }).catch(() => undefined);
    }
  }

  async run(r: CliRun): Promise<CliResult> {
    const key = `${r.client}\u0000${r.node.name}\u0000${r.login.user}`;
    let p = this.#sessions.get(key);
    if (p) { const s = await p.catch(() => undefined); if (!s || s.isClosed) p = undefined; }
    if (!p) {
      // Loaded with the first session: ssh2 costs start-up time every serve would pay otherwise.
      p = import('./cli-session.ts').then(async ({ CliSession: Session }) => {
        const s = new Session({ node: r.node, login: r.login, term: r.term, cols: r.cols, rows: r.rows, loginTimeoutMs: r.loginTimeoutMs, hostKeys: this.#base.hostKeys });
        await s.open();
        return s;
      });
      this.#sessions.set(key, p);
      p.catch(() => { if (this.#sessions.get(key) === p) this.#sessions.delete(key); });
    }
    const session = await p;
    return session.run(r.command, { idleMs: r.idleMs, maxMs: r.maxMs, maxOutputBytes: this.#base.maxOutputBytes, signal: r.signal, onLines: r.onLines, window: r.window, followQuietMs: r.followQuietMs });
  }

  closeAll(): void {
    clearInterval(this.#timer);
    for (const p of this.#sessions.values()) void p.then((s) => s.close()).catch(() => undefined);
    this.#sessions.clear();
  }
}
