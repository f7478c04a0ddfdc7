/**
 * @module Versions the health checks have seen (`show status` "Product Ver"), per node, in memory,
 * for the inventory resource ("version when known"). Never persisted; a restart forgets them.
 */

export interface SeenVersion { version: string; seenAt: string }

export class NodeVersions {
  readonly #seen = new Map<string, SeenVersion>();

  record(node: string, version: string, at: Date = new Date()): void {
    if (/^[\w.-]{1,64}$/.test(version)) this.#seen.set(node, { version, seenAt: at.toISOString() });
  }

  get(node: string): SeenVersion | undefined {
    return this.#seen.get(node);
  }
}
