/** @module lab.json (for scripts and tests) and lab.env (lines for aibridge's .env), written atomically. */
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import type { LabNode } from './lab-node.ts';

/**
 * A phone whose web server runs. `scheme` https: a 98xx serving HTTPS only on `https_port`, with a
 * certificate from `phone_ca_bundle` naming the device (http_port is then 0).
 */
export interface LabPhoneEntry { name: string; model: string; ip: string; http_port: number; owner: string; scheme: 'http' | 'https'; https_port?: number }

export interface LabDescription {
  version: string;
  seed: number;
  ca_bundle: string;
  nodes: {
    name: string; product: string; cluster: string; role: string; host: string; https_port: number; ssh_port: number;
    username: string; password: string; ssh_host_key_sha256: string;
  }[];
  phone_user: string;
  phone_password: string;
  /** The one HTTP port every phone listens on (SERVER_CUCM_PHONE_HTTP_PORT in lab.env). */
  phone_http_port: number;
  /** The one HTTPS port of the HTTPS-only phones (SERVER_CUCM_PHONE_HTTPS_PORT), 0 when there are none. */
  phone_https_port: number;
  /** The CA that signs the phones' certificates (SERVER_CUCM_PHONE_CA_BUNDLE). */
  phone_ca_bundle: string;
  /** Registered phones whose web server runs (at most PHONE_SERVER_CAP): those serving HTTP first, then the HTTPS-only ones. */
  phones: LabPhoneEntry[];
  phones_total: number;
  faults: string;
}

export function describeNodes(nodes: readonly LabNode[], creds: { username: string; password: string }): LabDescription['nodes'] {
  return nodes.map((n) => ({
    name: n.name, product: n.product, cluster: n.cluster, role: n.role, host: n.host, https_port: n.httpsPort, ssh_port: n.sshPort,
    username: creds.username, password: creds.password, ssh_host_key_sha256: n.sshHostKeySha256,
  }));
}

export function labEnvText(d: LabDescription): string {
  const lines = [
    `# aibridge lab: append to aibridge's .env to use the lab (seed ${d.seed}, CUCM ${d.version}); credentials are in lab.json`,
    `CISCO_NODES=${d.nodes.map((n) => `${n.name}:${n.product}:${n.host}:${n.cluster}:${n.role}`).join(',')}`,
    `CISCO_NODE_PORTS=${d.nodes.map((n) => `${n.name}:${n.https_port}:${n.ssh_port}`).join(',')}`,
  ];
  for (const p of ['CUCM', 'IMP', 'CUC']) lines.push(`SERVER_${p}_SSL_VERIFY=1`, `SERVER_${p}_SSL_CA_BUNDLE=${d.ca_bundle}`);
  if (d.phone_http_port) lines.push(`SERVER_CUCM_PHONE_HTTP_PORT=${d.phone_http_port}`);
  if (d.phone_https_port) lines.push(`SERVER_CUCM_PHONE_HTTPS_PORT=${d.phone_https_port}`, `SERVER_CUCM_PHONE_CA_BUNDLE=${d.phone_ca_bundle}`);
  return `${lines.join('\n')}\n`;
}

/** Write lab.json then lab.env (0600: they hold the lab passwords). */
export async function writeLabFiles(dir: string, d: LabDescription): Promise<{ json: string; env: string }> {
  const json = join(dir, 'lab.json');
  const env = join(dir, 'lab.env');
  await writeFileAtomic(json, `${JSON.stringify(d, null, 2)}\n`, { mode: 0o600 });
  await writeFileAtomic(env, labEnvText(d), { mode: 0o600 });
  return { json, env };
}
