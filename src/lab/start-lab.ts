/**
 * @module Start one simulated deployment on loopback: CA and node certificates, the dataset, an
 * HTTPS and an SSH listener per node, a web server per registered phone, then lab.json and
 * lab.env. `close()` stops every listener.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { AppError } from '../lib/errors.ts';
import { xText } from '../lib/xsd/xvalue.ts';
import { createUntrustedCa, issueLeaf, issuePhoneCert, loadOrCreateCa } from './certs.ts';
import type { LabCa } from './certs.ts';
import { phoneModel } from './models.ts';
import { buildDataset } from './dataset.ts';
import { FaultDice, parseFaults } from './faults.ts';
import { NODE_LAYOUT } from './lab-node.ts';
import type { LabNode } from './lab-node.ts';
import type { LabData } from './lab-data.ts';
import { startNodeHttps } from './node-https.ts';
import { startSshServer } from './ssh/ssh-server.ts';
import type { SshEndpoint } from './ssh/ssh-server.ts';
import { deriveHostKey, hostKeyFingerprint } from './ssh/host-key.ts';
import { startPhoneServer } from './phone/phone-server.ts';
import { axlSchema, isLabVersion, LAB_VERSIONS } from './axl/axl-schemas.ts';
import type { LabVersion } from './axl/axl-schemas.ts';
import { describeNodes, writeLabFiles } from './lab-files.ts';
import type { LabDescription, LabPhoneEntry } from './lab-files.ts';

export type { LabDescription } from './lab-files.ts';

/** Phones beyond this many do not get a web server (each one is a listening socket). */
export const PHONE_SERVER_CAP = 256;
export const MAX_PHONES = 100_000;

export interface StartLabOptions {
  dir: string;
  seed?: number;
  phones?: number;
  version?: LabVersion;
  latencyMs?: number;
  faults?: string;
  /** Size in MiB of an extra large CallManager trace file on each CUCM node (download benchmark); 0 = none. */
  traceMb?: number;
}

export interface RunningLab {
  description: LabDescription;
  /** Live data (tests may inspect it). */
  data: LabData;
  /** The fault plan and which faults were answered (tests count retries with it). */
  faults: FaultDice;
  close(): Promise<void>;
}

function secret(seed: number, what: string): string {
  return createHash('sha256').update(`aibridge-lab:${seed}:${what}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 14);
}

function closeServer(s: Server): Promise<void> {
  return new Promise((done) => {
    s.close(() => done());
    s.closeAllConnections();
  });
}

export async function startLab(options: StartLabOptions): Promise<RunningLab> {
  const dir = resolve(options.dir);
  const seed = options.seed ?? 1;
  const phones = options.phones ?? 100;
  const version = options.version ?? '14.0';
  if (!Number.isInteger(seed) || seed < 0) throw new AppError('E_USAGE', `--seed must be a non-negative integer: got "${seed}"`);
  if (!Number.isInteger(phones) || phones < 1 || phones > MAX_PHONES) throw new AppError('E_USAGE', `--phones must be 1-${MAX_PHONES}: got "${phones}"`);
  if (options.traceMb !== undefined && (!Number.isInteger(options.traceMb) || options.traceMb < 0 || options.traceMb > 4096)) throw new AppError('E_USAGE', `--trace-mb must be 0-4096: got "${options.traceMb}"`);
  if (!isLabVersion(version)) throw new AppError('E_USAGE', `--version must be one of ${LAB_VERSIONS.join(', ')}: got "${String(version)}"`);
  const plan = parseFaults(options.faults, options.latencyMs ?? 0);
  const faults = new FaultDice(plan, seed);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Scripts wait for these files to appear; stale ones from an earlier run must not look ready.
  for (const f of ['lab.json', 'lab.env']) rmSync(join(dir, f), { force: true });
  const ca = await loadOrCreateCa(dir);
  const signer = plan.tlsUntrusted ? await createUntrustedCa() : ca;
  const credentials = { username: 'admin', password: `Lab-${secret(seed, 'admin')}`, phoneUser: 'labphoneuser', phonePassword: `Ph-${secret(seed, 'phone')}` };
  const data = buildDataset({ seed, phones, version, cucmNodes: NODE_LAYOUT.filter((n) => n.product === 'cucm').map((n) => n.name), credentials, stoppedServices: plan.stoppedServices, noStartServices: plan.noStartServices });
  // From here on, AXL changes go into the listChange queue (the seeded dataset is the baseline).
  data.axl.trackChanges();
  axlSchema(version);
  const servers: Server[] = [];
  const sshEndpoints: SshEndpoint[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...servers.map(closeServer), ...sshEndpoints.map((s) => s.close())]);
  };
  try {
    const startedAt = new Date();
    const nodes: LabNode[] = [];
    for (const layout of NODE_LAYOUT) {
      const node: LabNode = { ...layout, httpsPort: 0, sshPort: 0, sshHostKeySha256: '' };
      const tls = await issueLeaf(signer, { ip: node.host, dnsName: node.name });
      const https = await startNodeHttps({ node, data, faults, tls, bigTraceMb: options.traceMb ?? 0 });
      servers.push(https);
      const addr = https.address();
      node.httpsPort = typeof addr === 'object' && addr ? addr.port : 0;
      node.sshHostKeySha256 = hostKeyFingerprint(deriveHostKey(seed, node.name));
      nodes.push(node);
    }
    for (const node of nodes) {
      const ssh = await startSshServer({ ctx: { node, data, allNodes: nodes, startedAt, faults: plan }, hostKey: deriveHostKey(seed, node.name, plan.sshHostKeyChanged), faults });
      sshEndpoints.push(ssh);
      node.sshPort = ssh.port;
    }
    const phoneCa = await loadOrCreateCa(dir, 'phone-ca', 'aibridge lab Manufacturing CA');
    const phoneSet = await startPhoneServers(data, faults, servers, phoneCa);
    const phoneEntries = phoneSet.entries;
    const description: LabDescription = {
      version, seed, ca_bundle: join(dir, 'ca.pem'), nodes: describeNodes(nodes, credentials),
      phone_user: credentials.phoneUser, phone_password: credentials.phonePassword, phone_http_port: phoneSet.port,
      phone_https_port: phoneSet.httpsPort, phone_ca_bundle: join(dir, 'phone-ca.pem'), phones: phoneEntries, phones_total: phones, faults: options.faults ?? '',
    };
    await writeLabFiles(dir, description);
    return { description, data, faults, close };
  } catch (err) {
    await close();
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'EADDRNOTAVAIL' || code === 'EADDRINUSE') {
      throw new AppError('E_PORT_IN_USE', `Cannot listen on a lab loopback address: ${(err as Error).message}`, { hint: 'the lab needs 127.0.0.0/8 routed to the loopback interface (the Linux default)', cause: err });
    }
    throw err;
  }
}

/**
 * Every phone listens on the same port, like real phones (80), each on its own address, so aibridge
 * reaches a phone from the IP that RIS reports plus one SERVER_CUCM_PHONE_HTTP_PORT. The port is
 * chosen by the OS for the first phone; if another lab holds it on a later address, try another.
 */
async function startPhoneServers(data: LabData, faults: FaultDice, servers: Server[], phoneCa: LabCa): Promise<{ port: number; httpsPort: number; entries: LabPhoneEntry[] }> {
  for (let attempt = 0; ; attempt++) {
    const started: Server[] = [];
    const entries: LabPhoneEntry[] = [];
    let port = 0;
    let httpsPort = 0;
    try {
      for (const phone of data.axl.all('Phone')) {
        if (entries.length >= PHONE_SERVER_CAP) break;
        const name = xText(phone.name);
        const reg = data.registrations.get(name.toUpperCase());
        if (!reg || reg.status !== 'Registered') continue;
        const tlsOnly = phoneModel(xText(phone.model)).httpsOnly === true;
        const server = await startPhoneServer({ phone, ip: reg.ip, port: tlsOnly ? httpsPort : port, data, faults, ...(tlsOnly ? { tls: await issuePhoneCert(phoneCa, name) } : {}) });
        started.push(server);
        const addr = server.address();
        const bound = typeof addr === 'object' && addr ? addr.port : 0;
        if (tlsOnly) httpsPort = bound;
        else { port = bound; reg.httpPort = bound; }
        entries.push({ name, model: xText(phone.model), ip: reg.ip, http_port: tlsOnly ? 0 : bound, owner: xText(phone.ownerUserName), scheme: tlsOnly ? 'https' : 'http', ...(tlsOnly ? { https_port: bound } : {}) });
      }
      servers.push(...started);
      // Phones served over HTTP first: scripts that take "the first phone" get one they can curl.
      return { port, httpsPort, entries: [...entries.filter((e) => e.scheme === 'http'), ...entries.filter((e) => e.scheme === 'https')] };
    } catch (err) {
      await Promise.all(started.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 8) throw err;
    }
  }
}
