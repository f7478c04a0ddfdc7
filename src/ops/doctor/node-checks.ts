/**
 * @module Live, read-only checks of one declared Cisco node: DNS and TCP reachability, the TLS
 * handshake with the configured CA bundle or pin and the certificate's expiry, the client's stored
 * credentials (AXL getCCMVersion, CUPI GET /vmrest/users?rowsPerPage=0) and the SSH host key against
 * the trusted one. The SSH probe stops at the host key (no login is attempted) and records nothing.
 */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import ssh2 from 'ssh2';
import type { CiscoNode } from '../../cisco/cisco-node.ts';
import type { TlsPolicy } from '../../cisco/tls-policy.ts';
import { tlsKeys } from '../../cisco/tls-policy.ts';
import { describeNetworkError } from '../../cisco/network-error.ts';
import { fingerprintOf } from '../../cisco/ssh/host-key-store.ts';
import type { AxlClient } from '../../cisco/axl/axl-client.ts';
import type { CupiClient } from '../../cisco/cupi/cupi-client.ts';
import type { CiscoLogin } from '../../credentials/credential-store.ts';
import { errorMessage } from '../../lib/errors.ts';
import { bounded, failed, pass, warn } from './doctor-result.ts';
import type { DoctorCheck } from './doctor-result.ts';

const DAY_MS = 86_400_000;

export interface NodeCheckDeps {
  tls: TlsPolicy;
  timeoutMs: number;
  now: Date;
  /** The trusted SSH fingerprint (secrets/ssh_host_keys.json), if the node was ever used. */
  trustedSshKey: string | undefined;
  /** The client's login for this node, or why there is none (undefined: no --client given). */
  login: (() => Promise<CiscoLogin>) | undefined;
  client: string | undefined;
  axl: AxlClient | undefined;
  cupi: CupiClient | undefined;
}

/** A socket that has said nothing for `ms` is destroyed: no probe outlives its check. */
function limit<T extends { setTimeout(ms: number, cb: () => void): unknown; destroy(err?: Error): unknown }>(s: T, ms: number): T {
  s.setTimeout(ms, () => s.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' })));
  return s;
}

function tcpProbe(host: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = limit(netConnect({ host, port }), ms);
    s.once('connect', () => { s.destroy(); resolve(); });
    s.once('error', (err) => { s.destroy(); reject(err); });
  });
}

async function reach(node: CiscoNode, timeoutMs: number): Promise<DoctorCheck> {
  const name = `node ${node.name}: reachable`;
  const where = `${node.host}:${node.httpsPort}`;
  try {
    const addr = isIP(node.host) ? node.host : (await lookup(node.host)).address;
    await tcpProbe(addr, node.httpsPort, timeoutMs);
    return pass(name, `${where}${addr !== node.host ? ` (${addr})` : ''} accepts TCP`);
  } catch (err) {
    return failed(name, describeNetworkError(err, { node: node.name, host: where, timedOut: false, timeoutMs, tlsKeys: undefined }).message, 'check the host in CISCO_NODES, DNS, routing and firewalls');
  }
}

function tlsProbe(node: CiscoNode, policy: TlsPolicy, ms: number): Promise<PeerCertificate & { pin: string }> {
  return new Promise((resolve, reject) => {
    const s = limit(tlsConnect({ host: node.host, port: node.httpsPort, ...(isIP(node.host) === 0 ? { servername: node.host } : {}), rejectUnauthorized: policy.verify, ...(policy.ca ? { ca: policy.ca } : {}) }), ms);
    s.once('secureConnect', () => {
      const cert = s.getPeerCertificate();
      const x = s.getPeerX509Certificate();
      const pin = x ? createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') : '';
      s.destroy();
      resolve({ ...cert, pin });
    });
    s.once('error', (err) => { s.destroy(); reject(err); });
  });
}

async function tls(node: CiscoNode, d: NodeCheckDeps): Promise<DoctorCheck> {
  const name = `node ${node.name}: TLS`;
  const [vk, ck] = tlsKeys(node.product);
  try {
    const cert = await tlsProbe(node, d.tls, d.timeoutMs);
    const days = Math.floor((Date.parse(cert.valid_to) - d.now.getTime()) / DAY_MS);
    const until = `certificate valid until ${new Date(cert.valid_to).toISOString().slice(0, 10)} (${days} days)`;
    if (node.spkiPin && cert.pin !== node.spkiPin) return failed(name, 'certificate does not match its pin in CISCO_NODE_PINS', 'if the node was re-keyed on purpose, update CISCO_NODE_PINS; otherwise investigate');
    if (days < 0) return failed(name, `certificate expired ${-days} days ago`, 'renew the node\'s tomcat certificate');
    if (!d.tls.verify && !node.spkiPin) return warn(name, `${until}, but not verified (${vk}=0)`, `set ${vk}=1 with the node's CA in ${ck}, or pin it in CISCO_NODE_PINS`);
    const how = node.spkiPin ? 'pinned key matches' : d.tls.ca ? `verified with ${ck}` : 'verified with the system CAs';
    if (days < 30) return warn(name, `${how}; ${until}`, 'renew the node\'s tomcat certificate soon');
    return pass(name, `${how}; ${until}`);
  } catch (err) {
    return failed(name, describeNetworkError(err, { node: node.name, host: `${node.host}:${node.httpsPort}`, timedOut: false, timeoutMs: d.timeoutMs, tlsKeys: [vk, ck] }).message, `put the node's CA chain (PEM) in ${ck} or pin it with CISCO_NODE_PINS`);
  }
}

async function credentials(node: CiscoNode, d: NodeCheckDeps): Promise<DoctorCheck> {
  const api = node.product === 'cuc' ? 'CUPI' : 'AXL';
  const name = `node ${node.name}: ${api} login`;
  const fix = `aibridge credentials set --client ${d.client ?? 'NAME'} --node ${node.name} --user USER`;
  if (!d.login) return warn(name, 'not checked: no --client given', 'run aibridge doctor --client NAME to test that client\'s stored credentials');
  let login: CiscoLogin;
  try { login = await d.login(); } catch (err) { return failed(name, errorMessage(err), fix); }
  try {
    if (node.product === 'cuc') {
      await d.cupi?.request({ node, login, method: 'GET', path: '/vmrest/users', query: { rowsPerPage: 0 } });
      return pass(name, `GET /vmrest/users accepted for user "${login.user}"`);
    }
    const version = await d.axl?.detectVersion(node, login);
    return pass(name, `getCCMVersion ${version ?? '?'} as user "${login.user}"`);
  } catch (err) {
    return failed(name, errorMessage(err), fix);
  }
}

function sshHostKey(node: CiscoNode, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    let key: Buffer | undefined;
    c.on('error', (err) => { c.end(); if (key) resolve(key); else reject(err); });
    c.on('ready', () => { c.end(); reject(new Error('login was not expected')); });
    // Refusing the key ends the handshake before any authentication is attempted.
    c.connect({ host: node.host, port: node.sshPort, username: 'aibridge-doctor', readyTimeout: timeoutMs, hostVerifier: (k: Buffer) => { key = k; return false; } });
  });
}

async function ssh(node: CiscoNode, d: NodeCheckDeps): Promise<DoctorCheck> {
  const name = `node ${node.name}: SSH host key`;
  try {
    const fp = fingerprintOf(await sshHostKey(node, d.timeoutMs));
    if (!d.trustedSshKey) return warn(name, `${fp} presented; not trusted yet (first CLI use will trust it)`, `compare ${fp} with "show ssh host-key" on the node's console before the first CLI call`);
    if (d.trustedSshKey !== fp) return failed(name, `presents ${fp}, trusted ${d.trustedSshKey}`, 'if the node was reinstalled, remove its entry from secrets/ssh_host_keys.json; otherwise investigate a man-in-the-middle');
    return pass(name, `matches the trusted ${fp}`);
  } catch (err) {
    return failed(name, `cannot open SSH on ${node.host}:${node.sshPort}: ${errorMessage(err)}`, 'check SERVER_<PRODUCT>_SSH_PORT / CISCO_NODE_PORTS and firewalls');
  }
}

/** Every check of one node; each bounded by timeoutMs. An unreachable node gets one FAIL row, not four. */
export async function checkNode(node: CiscoNode, d: NodeCheckDeps): Promise<DoctorCheck[]> {
  const t = d.timeoutMs;
  const r = await bounded(`node ${node.name}: reachable`, t, () => reach(node, t), 'check the node and the network');
  if (r.status === 'FAIL') return [r];
  return Promise.all([
    bounded(`node ${node.name}: TLS`, t, () => tls(node, d), 'check the node\'s HTTPS service'),
    bounded(`node ${node.name}: ${node.product === 'cuc' ? 'CUPI' : 'AXL'} login`, t, () => credentials(node, d), 'check the node\'s web services'),
    bounded(`node ${node.name}: SSH host key`, t, () => ssh(node, d), 'check the node\'s SSH service'),
  ]).then((rows) => [r, ...rows]);
}
