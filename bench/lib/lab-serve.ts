/**
 * The scaffolding the Cisco benches share: `dist/aibridge lab` with its arguments, a scratch
 * install of `dist/aibridge serve` pointed at it (licence, clients, their lab credentials set with
 * `aibridge credentials set`), started and healthy, and MCP SDK clients with each client's token.
 * `close()` stops serve and the lab and waits for both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, healthy, scratchInstall, startServer, stop, waitFor } from './proc.ts';

export interface LabNodeInfo { name: string; product: string; role: string; cluster: string; host: string; https_port: number; username: string; password: string }
export interface LabJson { version: string; ca_bundle: string; nodes: LabNodeInfo[]; phones: Array<{ name: string }> }

export interface LabServeOptions {
  /** Prefix of the scratch folders (e.g. 'bench-svc'). */
  prefix: string;
  /** serve's port (each bench its own, so two never collide). */
  port: number;
  labArgs: string[];
  /** Client name → profile name (AUTH_CLIENTS). */
  clients: Record<string, string>;
  /** Profiles to install: name → JSON text. */
  profiles?: Record<string, string>;
  /** More .env lines. */
  env?: string[];
  /** Environment of serve (e.g. NODE_OPTIONS for a profile). */
  serveEnv?: NodeJS.ProcessEnv;
}

export interface LabServe {
  labDir: string;
  dir: string;
  lab: ChildProcess;
  serve: ChildProcess;
  labJson: LabJson;
  /** The CUCM publisher. */
  pub: LabNodeInfo;
  /** An MCP client authenticated as `client`, optionally with handlers set before connecting. */
  connect(client: string, setup?: (c: Client) => void, capabilities?: ConstructorParameters<typeof Client>[1]): Promise<Client>;
  close(): Promise<void>;
}

export async function startLabServe(o: LabServeOptions): Promise<LabServe> {
  const labDir = mkdtempSync(join(tmpdir(), `${o.prefix}-lab-`));
  const lab = spawn(BIN, ['lab', '--dir', labDir, ...o.labArgs], { stdio: 'ignore' });
  let serve: ChildProcess | undefined;
  let dir = '';
  const close = async (): Promise<void> => {
    await stopWithin(serve);
    await stopWithin(lab);
    rmSync(labDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => existsSync(join(labDir, 'lab.env')), 'lab.env');
    const labJson = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as LabJson;
    const pub = labJson.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const clients = Object.entries(o.clients).map(([name, profile]) => `${name}:sub-${name}-20261201:${profile}`).join(',');
    dir = scratchInstall(`${o.prefix}-`, [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${o.port}`, `AUTH_ISSUER=https://localhost:${o.port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0',
      'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${o.port}`, `AUTH_CLIENTS=${clients}`, ...(o.env ?? [])]);
    appendFileSync(join(dir, '.env'), readFileSync(join(labDir, 'lab.env'), 'utf8'));
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    const lic = spawnSync(process.execPath, ['scripts/issue-license.ts', '--customer', 'bench', '--tier', 'enterprise', '--days', '30', '--out', join(dir, 'secrets', 'license.jwt')], { stdio: 'ignore' });
    if (lic.status !== 0) throw new Error('scripts/issue-license.ts failed (is this the project root?)');
    if (o.profiles) {
      mkdirSync(join(dir, 'profiles'));
      for (const [name, text] of Object.entries(o.profiles)) writeFileSync(join(dir, 'profiles', `${name}.json`), text);
    }
    const bin = join(dir, 'aibridge');
    // First start: keys, certificate and the clients' tokens; then the clients' lab logins.
    serve = await startServer(bin, ['serve', '--dir', dir], o.port, 120);
    const names = Object.keys(o.clients);
    await waitFor(() => names.every((c) => existsSync(join(dir, 'clients', c, 'secrets', '.token'))), 'client tokens');
    await stop(serve);
    for (const c of names) {
      const r = spawnSync(bin, ['credentials', 'set', '--dir', dir, '--client', c, '--node', pub.name, '--user', pub.username], { input: `${pub.password}\n` });
      if (r.status !== 0) throw new Error(`credentials set for ${c} failed: ${String(r.stderr).slice(0, 300)}`);
    }
    serve = o.serveEnv ? await startWithEnv(bin, dir, o.port, o.serveEnv) : await startServer(bin, ['serve', '--dir', dir], o.port, 120);
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
    const started = serve;
    return {
      labDir, dir, lab, serve: started, labJson, pub, close,
      async connect(client, setup, capabilities) {
        const c = new Client({ name: `${o.prefix}-${client}`, version: '1' }, capabilities);
        setup?.(c);
        await c.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${o.port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${readFileSync(join(dir, 'clients', client, 'secrets', '.token'), 'utf8').trim()}` } } }));
        return c;
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** SIGTERM and wait; SIGKILL after 15 s so a bench never hangs on a stuck child. */
async function stopWithin(child: ChildProcess | undefined): Promise<void> {
  if (!child) return;
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try { await stop(child); } finally { clearTimeout(timer); }
}

/** startServer with an environment (a profile run: NODE_OPTIONS reaches the SEA's runtime). */
async function startWithEnv(bin: string, dir: string, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(bin, ['serve', '--dir', dir], { stdio: 'ignore', env });
  await waitFor(async () => { if (child.exitCode !== null) throw new Error('serve exited before /health'); return healthy(port); }, `/health on ${port}`, 120, 50);
  return child;
}

/** One tools/call whose failure throws with the tool's text; the structured content. */
export async function callTool(c: Client, name: string, args: Record<string, unknown>, timeoutMs = 600_000): Promise<Record<string, unknown>> {
  const r = await c.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, resetTimeoutOnProgress: true, onprogress: () => undefined });
  if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content).slice(0, 300)}`);
  return (r.structuredContent ?? {}) as Record<string, unknown>;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}
