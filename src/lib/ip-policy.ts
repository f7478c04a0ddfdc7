/**
 * @module Where aibridge may connect when an address comes from data rather than from .env (a
 * phone's IP in a RIS answer). Rule (issue #12 item 9, T-IN-30): parse, never compare text
 * prefixes. `node:net` validates the address; IPv6 is expanded to its 16 bytes; IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) forms
 * are reduced to the IPv4 address they carry; then one policy (a node:net BlockList) decides.
 * Refused: unspecified, "this network" 0/8, link-local (169.254/16 holds cloud metadata; fe80::/10),
 * multicast, reserved 240/4 and broadcast, local-use NAT64 (64:ff9b:1::/48), Teredo (2001::/32),
 * the discard prefix (100::/64) and any text that is not exactly one IP address.
 * Loopback stays allowed (the lab's phones live on 127.0.0.x / ::1).
 */
import { BlockList, isIP, isIPv4 } from 'node:net';

const V4_BLOCKED = new BlockList();
V4_BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4');
V4_BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
V4_BLOCKED.addSubnet('224.0.0.0', 4, 'ipv4');
V4_BLOCKED.addSubnet('240.0.0.0', 4, 'ipv4');

const V6_BLOCKED = new BlockList();
V6_BLOCKED.addAddress('::', 'ipv6');
V6_BLOCKED.addSubnet('fe80::', 10, 'ipv6');
V6_BLOCKED.addSubnet('ff00::', 8, 'ipv6');
V6_BLOCKED.addSubnet('64:ff9b:1::', 48, 'ipv6');
V6_BLOCKED.addSubnet('2001::', 32, 'ipv6');
V6_BLOCKED.addSubnet('100::', 64, 'ipv6');

/** The 16 bytes of a valid IPv6 address (isIP(s) === 6), with an embedded dotted IPv4 tail. */
export function ipv6Bytes(s: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = s;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (isIPv4(text.slice(lastColon + 1))) {
    tail = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[i * 2] = v >> 8; out[i * 2 + 1] = v & 0xff; });
  if (tail.length === 4) tail.forEach((b, i) => { out[12 + i] = b; });
  return out;
}

function v4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** The IPv4 address an IPv6 address stands for, when it is one of the embedding forms. */
export function embeddedIpv4(bytes: Uint8Array): string | undefined {
  const zeros = (from: number, to: number): boolean => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(bytes, 12); // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return v4(bytes, 12); // ::a.b.c.d (deprecated)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return v4(bytes, 12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(bytes, 2); // 6to4
  return undefined;
}

/** True when aibridge may connect to `ip` taken from a Cisco answer. */
export function isConnectableAddress(ip: string): boolean {
  if (typeof ip !== 'string' || ip.length > 64) return false;
  const family = isIP(ip);
  if (family === 4) return !V4_BLOCKED.check(ip, 'ipv4');
  if (family !== 6 || ip.includes('%')) return false;
  const bytes = ipv6Bytes(ip);
  const inner = embeddedIpv4(bytes);
  if (inner !== undefined) return !V4_BLOCKED.check(inner, 'ipv4');
  const canonical = Array.from({ length: 8 }, (_, i) => (((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0)).toString(16)).join(':');
  return !V6_BLOCKED.check(canonical, 'ipv6');
}
