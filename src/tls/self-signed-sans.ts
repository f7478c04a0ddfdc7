/**
 * @module The name and SANs of our self-signed serving certificate, apart from its generator
 * (self-signed-cert.ts) so that loading an existing certificate does not load @peculiar/x509.
 */
import { isIP } from 'node:net';

export const SELF_SIGNED_CN = 'aibridge self-signed';
export const SELF_SIGNED_VALIDITY_DAYS = 397;

/** SAN entries from `host:port` patterns: the host part, as DNS or IP. */
export function sansFromAllowedHosts(allowedHosts: readonly string[]): { dns: string[]; ips: string[] } {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const entry of allowedHosts) {
    let host = entry.trim();
    if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
    else if (host.split(':').length === 2) host = host.slice(0, host.lastIndexOf(':'));
    if (!host) continue;
    if (isIP(host)) ips.add(host);
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    else if (/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(host)) dns.add(host.toLowerCase());
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}
