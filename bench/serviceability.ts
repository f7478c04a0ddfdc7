/**
 * bench/serviceability: download of a 200 MiB CallManager trace file through aibridge (MCP SDK
 * client → `dist/aibridge serve` → DIME GetOneFile on `dist/aibridge lab --trace-mb 200`) next to
 * the same GetOneFile sent straight to the lab with curl, in the same run; seconds, ratio, and
 * serve's peak RSS before and after. Goal: ≤ 1.3× curl's time and flat memory.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const BIN = resolve(process.env.AIBRIDGE_BIN ?? 'dist/aibridge');
const FILE = '/var/log/active/cm/trace/ccm/sdi/ccm00009999.txt';

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) { if (await check()) return; await new Promise((r) => setTimeout(r, 250)); }
  throw new Error(`no ${what} within 300 s`);
}

function rss(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export async function benchServiceability(mb = Number(process.env.BENCH_TRACE_MB ?? 200)): Promise<void> {
  const labDir = mkdtempSync(join(tmpdir(), 'bench-svc-lab-'));
  const lab = spawn(BIN, ['lab', '--dir', labDir, '--phones', '40', '--seed', '1', '--trace-mb', String(mb)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-svc-'));
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    await waitFor(() => existsSync(join(labDir, 'lab.env')), 'lab.env');
    const j = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as { ca_bundle: string; nodes: Array<{ name: string; product: string; role: string; host: string; https_port: number; username: string; password: string }> };
    const pub = j.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const port = 19544;
    copyFileSync(BIN, join(dir, 'aibridge'));
    writeFileSync(join(dir, '.env'), [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0',
      'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${port}`, 'AUTH_CLIENTS=bench:sub-bench-20261201:admin',
      `SERVER_CUCM_DIME_MAX_DOWNLOAD_MB=${mb + 16}`, ''].join('\n'), { mode: 0o600 });
    appendFileSync(join(dir, '.env'), readFileSync(join(labDir, 'lab.env'), 'utf8'));
    const start = () => spawn(join(dir, 'aibridge'), ['serve', '--dir', dir], { stdio: 'ignore' });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'clients', 'bench', 'secrets', '.token')), 'client token');
    serve.kill('SIGTERM'); await new Promise((r) => serve!.on('exit', r));
    spawnSync(join(dir, 'aibridge'), ['credentials', 'set', '--dir', dir, '--client', 'bench', '--node', pub.name, '--user', pub.username], { input: `${pub.password}\n` });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'aibridge.pid')), 'serve');
    await new Promise((r) => setTimeout(r, 1500));
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
    const client = new Client({ name: 'bench-serviceability', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${readFileSync(join(dir, 'clients', 'bench', 'secrets', '.token'), 'utf8').trim()}` } } }));
    const tool = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000, onprogress: () => undefined });
      if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content).slice(0, 300)}`);
      return r.structuredContent as Record<string, unknown>;
    };
    await tool('cucm_log_find', { node: pub.name, services: ['Cisco CallManager'], last_minutes: 30 });
    const before = rss(serve.pid!, 'VmHWM');
    let t = performance.now();
    const got = await tool('cucm_log_get', { node: pub.name, file: FILE });
    const ours = performance.now() - t;
    const after = rss(serve.pid!, 'VmHWM');
    await client.close();
    const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Body><soap:FileName>${FILE}</soap:FileName></soapenv:Body></soapenv:Envelope>`;
    const out = join(dir, 'curl.out');
    t = performance.now();
    execFileSync('curl', ['-s', '--cacert', j.ca_bundle, '-u', `${pub.username}:${pub.password}`, '-H', 'Content-Type: text/xml', '-H', 'SOAPAction: "http://schemas.cisco.com/ast/soap/action/#LogCollectionPort#GetOneFile"', '-o', out,
      `https://${pub.host}:${pub.https_port}/logcollectionservice/services/DimeGetFileService`, '--data-binary', body]);
    const curl = performance.now() - t;
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    console.log(`serviceability cucm_log_get ${mb} MiB trace (${String(got.bytes)} bytes): aibridge ${s(ours)} | curl ${s(curl)} | ratio ${(ours / curl).toFixed(2)}x (goal <= 1.3x)`);
    console.log(`serviceability aibridge serve peak RSS: ${before.toFixed(0)} MiB before the download, ${after.toFixed(0)} MiB after (flat memory: growth ${(after - before).toFixed(0)} MiB for ${mb} MiB)`);
  } finally {
    serve?.kill('SIGTERM');
    lab.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('serviceability.ts')) {
  benchServiceability().catch((err: unknown) => { console.error(`bench failed: ${(err as Error).message}`); process.exitCode = 1; });
}
