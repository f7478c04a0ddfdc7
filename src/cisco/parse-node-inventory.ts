/**
 * @module Parse CISCO_NODES, CISCO_NODE_PORTS and CISCO_NODE_PINS into validated node records.
 * Every error names the .env key and the entry at fault.
 */
import { isIP } from 'node:net';
import { AppError } from '../lib/errors.ts';
import type { EnvConfig } from '../config/env-schema.ts';
import { CISCO_PRODUCTS, NODE_ROLES } from './cisco-node.ts';
import type { CiscoNode, CiscoProduct, NodeRole } from './cisco-node.ts';

/** Node and cluster names: a letter first, so a name can never be read as an IP literal. */
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/;
// eslint-disable-next-line security/detect-unsafe-regex -- labels are split by ".", each at most 63 characters, and the lookahead caps the whole name at 253
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const PIN = /^sha256\/([A-Za-z0-9+/]{43}=)$/;

function bad(key: string, message: string, hint: string): AppError {
  return new AppError('E_CONFIG_INVALID', `.env: ${key} ${message}`, { hint });
}

function entries(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function parsePort(key: string, entry: string, text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw bad(key, `has an invalid port "${text}" in "${entry}"`, 'ports are whole numbers from 1 to 65535');
  return n;
}

function defaultPorts(env: EnvConfig, product: CiscoProduct): [number, number] {
  if (product === 'cucm') return [env.SERVER_CUCM_AXL_PORT, env.SERVER_CUCM_SSH_PORT];
  if (product === 'imp') return [env.SERVER_IMP_AXL_PORT, env.SERVER_IMP_SSH_PORT];
  return [env.SERVER_CUC_CUPI_PORT, env.SERVER_CUC_SSH_PORT];
}

function parseNode(env: EnvConfig, entry: string): CiscoNode {
  const key = 'CISCO_NODES';
  const shape = 'name:product:host:cluster:role, e.g. cucm-pub:cucm:10.1.1.5:cluster1:publisher';
  const parts = entry.split(':');
  if (parts.length < 5) throw bad(key, `entry "${entry}" has ${parts.length} fields, expected 5`, `write each node as ${shape}`);
  const [name, product] = [parts[0]!, parts[1]!];
  const [cluster, role] = [parts[parts.length - 2]!, parts[parts.length - 1]!];
  let host = parts.slice(2, -2).join(':');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (!NAME.test(name)) throw bad(key, `has an invalid node name "${name}"`, 'names start with a letter and use letters, digits, "." "_" "-" (at most 63)');
  if (!(CISCO_PRODUCTS as readonly string[]).includes(product)) throw bad(key, `node "${name}" has product "${product}"`, 'product must be one of cucm / imp / cuc');
  if (!(isIP(host) !== 0 || HOSTNAME.test(host))) throw bad(key, `node "${name}" has an invalid host "${host}"`, 'give a DNS name or an IP address (IPv6 in [brackets])');
  if (!NAME.test(cluster)) throw bad(key, `node "${name}" has an invalid cluster name "${cluster}"`, 'cluster names follow the same rules as node names');
  if (!(NODE_ROLES as readonly string[]).includes(role)) throw bad(key, `node "${name}" has role "${role}"`, 'role must be publisher or subscriber');
  const [httpsPort, sshPort] = defaultPorts(env, product as CiscoProduct);
  return { name, product: product as CiscoProduct, host, cluster, role: role as NodeRole, httpsPort, sshPort };
}

/** Parse and cross-check the three inventory keys. An empty CISCO_NODES gives an empty list. */
export function parseNodeInventory(env: EnvConfig): CiscoNode[] {
  const nodes: CiscoNode[] = [];
  const byName = new Map<string, CiscoNode>();
  for (const entry of entries(env.CISCO_NODES)) {
    const n = parseNode(env, entry);
    if (byName.has(n.name)) throw bad('CISCO_NODES', `declares node "${n.name}" twice`, 'give every node a unique name');
    byName.set(n.name, n);
    nodes.push(n);
  }
  const clusters = new Map<string, CiscoProduct>();
  for (const n of nodes) {
    const p = clusters.get(n.cluster);
    if (p && p !== n.product) throw bad('CISCO_NODES', `cluster "${n.cluster}" mixes ${p} and ${n.product} nodes`, 'use one cluster name per product cluster');
    clusters.set(n.cluster, n.product);
    const other = byName.get(n.cluster);
    if (other && other.cluster !== n.cluster) throw bad('CISCO_NODES', `cluster name "${n.cluster}" is also the name of node "${other.name}" in another cluster`, 'rename the cluster or the node');
  }
  for (const [cluster, product] of clusters) {
    const pubs = nodes.filter((n) => n.cluster === cluster && n.role === 'publisher');
    if (product !== 'cuc' && pubs.length !== 1) throw bad('CISCO_NODES', `cluster "${cluster}" has ${pubs.length} publishers`, 'declare exactly one publisher per CUCM or IM&P cluster');
  }
  for (const entry of entries(env.CISCO_NODE_PORTS)) {
    const parts = entry.split(':');
    if (parts.length !== 3) throw bad('CISCO_NODE_PORTS', `entry "${entry}" is not name:https_port:ssh_port`, 'e.g. cucm-pub:8443:22');
    const n = byName.get(parts[0]!);
    if (!n) throw bad('CISCO_NODE_PORTS', `names node "${parts[0]}" which CISCO_NODES does not declare`, `declared nodes: ${[...byName.keys()].join(', ') || '(none)'}`);
    n.httpsPort = parsePort('CISCO_NODE_PORTS', entry, parts[1]!);
    n.sshPort = parsePort('CISCO_NODE_PORTS', entry, parts[2]!);
  }
  for (const entry of entries(env.CISCO_NODE_PINS)) {
    const i = entry.indexOf(':');
    const n = byName.get(entry.slice(0, i));
    if (i < 0 || !n) throw bad('CISCO_NODE_PINS', `entry "${entry.slice(0, 60)}" does not name a declared node`, `write name:sha256/<base64>; declared nodes: ${[...byName.keys()].join(', ') || '(none)'}`);
    const m = PIN.exec(entry.slice(i + 1));
    if (!m) throw bad('CISCO_NODE_PINS', `pin for "${n.name}" is not sha256/<44 base64 characters>`, 'compute it with: openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64');
    n.spkiPin = m[1]!;
  }
  return nodes;
}
