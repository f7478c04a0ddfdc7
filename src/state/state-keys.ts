/**
 * @module Valkey key names. Rule (scale-out issue, "keys never built from unescaped client input"):
 * every variable part of a key is percent-encoded with encodeURIComponent, which encodes ':' and
 * every byte outside [A-Za-z0-9-_.!~*'()], so no value can forge a separator and reach another
 * namespace or another client's keys. Namespaces are fixed literals below.
 */

export const NAMESPACES = ['rl', 'revoked', 'cutoffs', 'blocks', 'fail', 'code', 'rt', 'rf', 'rfa', 'rfc', 'login', 'mcps', 'lease', 'ev', 'evn', 'notify'] as const;
export type Namespace = typeof NAMESPACES[number];

export function stateKey(prefix: string, ns: Namespace, ...parts: string[]): string {
  return [prefix + ns, ...parts.map((p) => encodeURIComponent(p))].join(':');
}
