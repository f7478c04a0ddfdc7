/** @module The handles start-up has opened so far; closed newest first at shutdown or when a later step fails. */
import type { Logger } from '../log/logger.ts';
import { errorMessage } from '../lib/errors.ts';

interface Closable { close(): unknown }

export class OpenHandles {
  readonly #open: Array<{ name: string; handle: Closable }> = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Remember `handle` under `name` and return it. */
  add<T extends Closable>(name: string, handle: T): T {
    this.#open.push({ name, handle });
    return handle;
  }

  /** Close every handle, newest first; a failing close is logged and the rest still close. */
  async closeAll(): Promise<void> {
    for (const { name, handle } of this.#open.splice(0).reverse()) {
      try { await handle.close(); } catch (err) { this.#logger.error('shutdown_hook_failed', { handle: name, message: errorMessage(err) }); }
    }
  }
}
