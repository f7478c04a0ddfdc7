/**
 * bench/changes: an updatePhone through change control (plan with before-image → in-client
 * approval by elicitation → stale check → apply → read-back, all in one tools/call) next to a direct
 * updatePhone through aibridge by a client whose profile exempts updatePhone from approval, both
 * against `aibridge lab` in the same run. Also the plan alone (no approval). Median ms and ratio.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const BIN = resolve('dist/aibridge');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

async function waitFor(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ok()) throw new Error(`${what} did not appear`);
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

export async function benchChanges(): Promise<void> {
  const labDir = mkdtempSync(join(tmpdir(), 'bench-chg-lab-'));
  const lab = spawn(BIN, ['lab', '--dir', labDir, '--phones', '50', '--seed', '3'], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-chg-'));
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    await waitFor(() => existsSync(join(labDir, 'lab.env')), 'lab.env');
    const j = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as { nodes: Array<{ name: string; product: string; role: string; cluster: string; username: string; password: string }>; phones: Array<{ name: string }> };
    const pub = j.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const port = 19563;
    copyFileSync(BIN, join(dir, 'aibridge'));
    writeFileSync(join(dir, '.env'), [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0',
      'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', 'AUTH_CLIENTS=planned:sub-planned-20261201:benchplan,direct:sub-direct-20261201:benchexempt', ''].join('\n'), { mode: 0o600 });
    appendFileSync(join(dir, '.env'), readFileSync(join(labDir, 'lab.env'), 'utf8'));
    mkdirSync(join(dir, 'profiles'));
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    spawnSync(process.execPath, ['scripts/issue-license.ts', '--customer', 'bench', '--tier', 'enterprise', '--days', '30', '--out', join(dir, 'secrets', 'license.jwt')], { stdio: 'ignore' });
    const profile = (exempt: boolean) => JSON.stringify({ description: 'bench', product_scope: ['cucm'], cucm: { axl: { rate_limit: 1_000_000, allowed_prefixes: ['get', 'update'] } }, common: { report: { rate_limit: 1_000_000 } }, ...(exempt ? { changes: { exempt_operations: ['updatePhone'] } } : {}) });
    writeFileSync(join(dir, 'profiles', 'benchplan.json'), profile(false));
    writeFileSync(join(dir, 'profiles', 'benchexempt.json'), profile(true));
    const start = () => spawn(join(dir, 'aibridge'), ['serve', '--dir', dir], { stdio: 'ignore' });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'clients', 'direct', 'secrets', '.token')), 'client tokens');
    serve.kill('SIGTERM'); await new Promise((r) => serve!.on('exit', r));
    for (const c of ['planned', 'direct']) spawnSync(join(dir, 'aibridge'), ['credentials', 'set', '--dir', dir, '--client', c, '--node', pub.name, '--user', pub.username], { input: `${pub.password}\n` });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'aibridge.pid')), 'serve');
    await new Promise((r) => setTimeout(r, 1500));
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
    const connect = async (name: string, elicit: boolean): Promise<Client> => {
      const c = new Client({ name: 'bench-changes', version: '1' }, elicit ? { capabilities: { elicitation: {} } } : {});
      if (elicit) c.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { approve: true } }));
      await c.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${readFileSync(join(dir, 'clients', name, 'secrets', '.token'), 'utf8').trim()}` } } }));
      return c;
    };
    const approving = await connect('planned', true);
    const planOnly = await connect('planned', false);
    const direct = await connect('direct', false);
    const call = async (c: Client, i: number, want: string): Promise<number> => {
      const t = performance.now();
      const r = await c.callTool({ name: 'cucm_axl_request', arguments: { node: pub.name, operation: 'updatePhone', args: { name: j.phones[i % j.phones.length]!.name, description: `bench ${want} ${i}` } } }, undefined, { timeout: 120_000 });
      const ms = performance.now() - t;
      const status = (r.structuredContent as { change?: { status?: string } } | undefined)?.change?.status ?? 'direct';
      if (r.isError || status !== want) throw new Error(`expected ${want}, got ${status}: ${JSON.stringify(r.content).slice(0, 300)}`);
      return ms;
    };
    for (let i = 0; i < 3; i++) { await call(direct, i, 'direct'); await call(approving, i, 'applied'); } // warm-up: schema, sessions
    const d: number[] = []; const a: number[] = []; const p: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      d.push(await call(direct, i, 'direct'));
      a.push(await call(approving, i + 1, 'applied'));
      p.push(await call(planOnly, i + 2, 'pending_approval'));
    }
    console.log(`changes updatePhone x${ROUNDS} (median): plan + in-client approval + apply + read-back ${median(a).toFixed(1)} ms | plan only ${median(p).toFixed(1)} ms | direct (approval exempted) ${median(d).toFixed(1)} ms | ratio ${(median(a) / median(d)).toFixed(2)}x`);
    for (const c of [approving, planOnly, direct]) await c.close();
  } finally {
    serve?.kill('SIGTERM');
    lab.kill('SIGTERM');
  }
}
