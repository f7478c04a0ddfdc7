/**
 * @module OpenSSH known_hosts matching (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain host
 * patterns with * ? and ! negation, `[host]:port` for ports other than 22, hashed `|1|salt|hash`
 * entries (HMAC-SHA1 of the host string), and @revoked lines. @cert-authority lines are ignored
 * (host certificates are not accepted). Pure functions of the file text.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostEntry { marker: '' | '@revoked' | '@cert-authority'; hosts: string; keyType: string; key: Buffer; line: number }

/** Parse known_hosts text; malformed lines are skipped (as ssh does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = '';
    if (parts[0] === '@revoked' || parts[0] === '@cert-authority') marker = parts.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, b64] = parts;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    out.push({ marker, hosts, keyType, key: Buffer.from(b64, 'base64'), line: i + 1 });
  });
  return out;
}

/** The host string ssh looks up: "host" on port 22, "[host]:port" otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, text: string): boolean {
  // eslint-disable-next-line security/detect-non-literal-regexp -- the operator's known_hosts pattern, every character but * and ? escaped
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(text);
}

function hashedMatch(field: string, name: string): boolean {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (!m) return false;
  const expected = Buffer.from(m[2] as string, 'base64');
  const actual = createHmac('sha1', Buffer.from(m[1] as string, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when the entry's host field names `host`:`port`. */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = hostLookupName(host, port);
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) { if (globMatch(p.slice(1), name)) return false; } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** The key type named inside an SSH public key blob. */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

export type HostKeyVerdict = { ok: true; line: number } | { ok: false; reason: 'unknown-host' | 'mismatch' | 'revoked'; detail: string };

/** Decide on a presented host key (SSH wire blob). */
export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => hostFieldMatches(e.hosts, host, port));
  const type = blobKeyType(blob);
  if (mine.some((e) => e.marker === '@revoked' && e.key.equals(blob)) || entries.some((e) => e.marker === '@revoked' && e.hosts === '*' && e.key.equals(blob))) {
    return { ok: false, reason: 'revoked', detail: `the ${type} host key is marked @revoked` };
  }
  const plain = mine.filter((e) => e.marker === '');
  const hit = plain.find((e) => e.key.equals(blob));
  if (hit) return { ok: true, line: hit.line };
  if (plain.length === 0) return { ok: false, reason: 'unknown-host', detail: `no entry for ${hostLookupName(host, port)}` };
  return { ok: false, reason: 'mismatch', detail: `the server presented a ${type} key that matches none of the ${plain.length} entr${plain.length === 1 ? 'y' : 'ies'} for ${hostLookupName(host, port)} (types: ${[...new Set(plain.map((e) => e.keyType))].join(', ')})` };
}

/** Host-key algorithms to offer: only the types pinned for this host (no downgrade to others). */
export function pinnedAlgorithms(entries: KnownHostEntry[], host: string, port: number): string[] {
  const types = new Set(entries.filter((e) => e.marker === '' && hostFieldMatches(e.hosts, host, port)).map((e) => e.keyType));
  const out: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(t);
  }
  return out;
}
