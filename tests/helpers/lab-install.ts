/**
 * End-to-end set-up shared by the suites that drive tools against `aibridge lab` (tools, changes,
 * reports): start the lab, make an install with these clients and the lab's `.env` lines, start
 * serve once (so client folders exist), store each client's credentials for every lab node, start
 * serve for the tests and trust its certificate. The lab's and the install's folders are scratch
 * folders (see install.ts): removed when the test file ends.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, newInstall, requireBinary, runBin, scratchDir, startServe } from './install.ts';
import type { Install, Running } from './install.ts';

/** What `aibridge lab` writes to lab.json. */
export interface LabJson {
  version: string;
  nodes: Array<{ name: string; product: string; cluster: string; role: string; username: string; password: string }>;
  phone_user: string;
  phone_password: string;
  phones: Array<{ name: string; http_port: number }>;
}

/** `serve` may be replaced (a test that restarts it); `stop` stops whichever is current, then the lab. */
export interface LabInstall { lab: LabJson; labEnv: string; inst: Install; serve: Running; labProc: ChildProcess; stop(): Promise<void> }

export interface LabInstallOptions {
  /** Arguments to `aibridge lab` after `--dir` (phones, seed, faults, latency). */
  labArgs: readonly string[];
  /** AUTH_CLIENTS entries (`name:subject:profile`). */
  clients: readonly string[];
  /** Clients that get credentials for every lab node. */
  credentialsFor: readonly string[];
  /** Clients that also get the phones' web credentials for this cluster. */
  phoneCredentials?: { cluster: string; clients: readonly string[] };
  /** More `.env` lines. */
  extraEnv?: readonly string[];
  /** Runs after the credentials are stored, before serve starts for the tests. */
  beforeServe?(inst: Install): void;
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 240 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 250));
  if (!existsSync(path)) throw new Error(`${path} did not appear within 60 s`);
}

function setCredential(inst: Install, args: string[], password: string): void {
  const r = runBin(inst, ['credentials', 'set', ...args], `${password}\n`);
  if (r.code !== 0) throw new Error(`aibridge credentials set ${args.join(' ')} failed (${r.code}): ${r.out}`);
}

export async function startLabInstall(o: LabInstallOptions): Promise<LabInstall> {
  requireBinary();
  const labDir = scratchDir('aibridge-e2e-lab-');
  const labProc = spawn(BIN, ['lab', '--dir', labDir, ...o.labArgs], { stdio: 'ignore' });
  await waitFor(join(labDir, 'lab.env'));
  const lab = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as LabJson;
  const labEnv = readFileSync(join(labDir, 'lab.env'), 'utf8');
  const inst = await newInstall([`AUTH_CLIENTS=${o.clients.join(',')}`, ...(o.extraEnv ?? [])]);
  appendFileSync(join(inst.dir, '.env'), labEnv);
  await (await startServe(inst)).stop();
  for (const c of o.credentialsFor) for (const n of lab.nodes) setCredential(inst, ['--client', c, '--node', n.name, '--user', n.username], n.password);
  for (const c of o.phoneCredentials?.clients ?? []) {
    setCredential(inst, ['--client', c, '--node', o.phoneCredentials!.cluster, '--purpose', 'phone', '--user', lab.phone_user], lab.phone_password);
  }
  o.beforeServe?.(inst);
  const serve = await startServe(inst);
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(inst.dir, 'secrets', 'server.crt'), 'utf8')]);
  const li: LabInstall = { lab, labEnv, inst, serve, labProc, async stop() { await li.serve.stop(); labProc.kill('SIGTERM'); } };
  return li;
}

/** An MCP SDK client connected to the install as `name` (its stored JWT). */
export async function connectClient(inst: Install, name: string, info: string, options?: ClientOptions, setup?: (c: Client) => void): Promise<Client> {
  const token = readFileSync(join(inst.dir, 'clients', name, 'secrets', '.token'), 'utf8').trim();
  const c = new Client({ name: info, version: '1' }, options);
  setup?.(c);
  await c.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${inst.port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return c;
}

/**
 * `aibridge changes …` without blocking the event loop (spawnSync would leave keep-alive sockets
 * the server closed meanwhile in the pool).
 */
export function changesCli(inst: Install, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => execFile(inst.bin, ['changes', ...args, '--dir', inst.dir], { env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 }, (err, stdout, stderr) => {
    res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
  }));
}
