/**
 * bench/axl: through aibridge (MCP SDK client → `dist/aibridge serve` → `dist/aibridge lab`),
 * listPhone of N phones (pages of 5000, as an agent would) and one N-row SQL query, next to the
 * same AXL requests sent straight to the lab with curl; both sides warmed first, then measured in
 * alternating pairs (bench/lib/pairs.ts, BENCH_PAIRS, default 5): median seconds with spread, the
 * ratio of the medians, and serve's peak RSS (VmHWM) over the whole run.
 * Goals (issue 20): SQL ≤ 1.5×, listPhone ≤ 1.2×, peak RSS < 200 MiB.
 * BENCH_PROFILE_DIR=dir runs serve from source under --cpu-prof (readable frame names) instead.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseEnv } from 'node:util';
import { fmt, measurePairs, ratio } from './lib/pairs.ts';
import { cpuMs, rssMiB } from './lib/proc.ts';
import { record } from './lib/table.ts';
import { validateEnv } from '../src/config/load-config.ts';
import { parseNodeInventory } from '../src/cisco/parse-node-inventory.ts';
import { loadTlsPolicies } from '../src/cisco/tls-policy.ts';
import { AxlClient } from '../src/cisco/axl/axl-client.ts';
import { AxlSchemas } from '../src/cisco/axl/axl-schemas.ts';

const BIN = resolve(process.env.AIBRIDGE_BIN ?? 'dist/aibridge');
const PAGE = 5000;
const SQL = 'select d.name, d.description from device d where d.tkclass = 1';

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) { if (await check()) return; await new Promise((r) => setTimeout(r, 250)); }
  throw new Error(`no ${what} within 300 s`);
}

/**
 * Keep-alive + JSESSIONIDSSO (AXL-DG): SMALL_CALLS sequential getPhone calls through aibridge's AXL
 * client with connection and session reuse, and with a new TLS handshake and Basic auth per call.
 */
const SMALL_CALLS = 200;
async function keepAliveFigure(labDir: string, pub: { name: string; host: string; https_port: number; username: string; password: string }): Promise<void> {
  const env = validateEnv(parseEnv(readFileSync(join(labDir, 'lab.env'), 'utf8')) as Record<string, string>).env;
  const node = parseNodeInventory(env).find((n) => n.name === pub.name)!;
  const login = { user: pub.username, password: pub.password };
  const time = async (reuse: boolean): Promise<number> => {
    const c = new AxlClient({ tls: loadTlsPolicies(env, labDir).cucm, schemas: new AxlSchemas(), timeoutMs: 30_000, maxBytes: 8 << 20, reuseConnections: reuse });
    const phone = ((await c.call({ node, login, operation: 'listPhone', args: { searchCriteria: { name: '%' }, returnedTags: { name: '' }, first: 1 } })).result as { phone: Array<{ name: string }> }).phone[0]!.name;
    const t0 = performance.now();
    for (let i = 0; i < SMALL_CALLS; i++) await c.call({ node, login, operation: 'getPhone', args: { name: phone } });
    const ms = performance.now() - t0;
    c.close();
    return ms;
  };
  const fresh = await time(false);
  const kept = await time(true);
  console.log(`axl ${SMALL_CALLS} sequential getPhone: keep-alive + JSESSIONIDSSO ${(kept / SMALL_CALLS).toFixed(1)} ms/call | new TLS + Basic per call ${(fresh / SMALL_CALLS).toFixed(1)} ms/call | ${(fresh / kept).toFixed(2)}x faster`);
}

const run = promisify(execFile);

export async function benchAxl(phones = Number(process.env.BENCH_PHONES ?? 50_000)): Promise<void> {
  const labDir = mkdtempSync(join(tmpdir(), 'bench-axl-lab-'));
  const lab = spawn(BIN, ['lab', '--dir', labDir, '--phones', String(phones), '--seed', '1', '--faults', 'ris:rate:0'], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-axl-'));
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    await waitFor(() => existsSync(join(labDir, 'lab.env')), 'lab.json');
    const j = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as { version: string; ca_bundle: string; nodes: Array<{ name: string; product: string; role: string; host: string; https_port: number; username: string; password: string }> };
    const pub = j.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const port = 19543;
    copyFileSync(BIN, join(dir, 'aibridge'));
    writeFileSync(join(dir, '.env'), [`MCP_SERVER_HOST=127.0.0.1`, `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0',
      'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${port}`, 'AUTH_CLIENTS=bench:sub-bench-20261124:benchaxl', 'SERVER_CUCM_ZEEP_TIMEOUT=300', ''].join('\n'), { mode: 0o600 });
    appendFileSync(join(dir, '.env'), readFileSync(join(labDir, 'lab.env'), 'utf8'));
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    mkdirSync(join(dir, 'profiles'));
    // The shipped admin profile allows 60 AXL calls a minute; the pairs make more than that.
    writeFileSync(join(dir, 'profiles', 'benchaxl.json'), JSON.stringify({ description: 'bench', product_scope: ['cucm'], cucm: { axl: { rate_limit: 1_000_000, allowed_prefixes: ['get', 'list'], allowed_exact: ['executeSQLQuery'] } } }));
    spawnSync(process.execPath, ['scripts/issue-license.ts', '--customer', 'bench', '--tier', 'enterprise', '--days', '30', '--out', join(dir, 'secrets', 'license.jwt')], { stdio: 'ignore' });
    const prof = process.env.BENCH_PROFILE_DIR;
    const start = () => prof
      ? spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${prof}`, resolve('src/main.ts'), 'serve', '--dir', dir], { stdio: 'ignore' })
      : spawn(join(dir, 'aibridge'), ['serve', '--dir', dir], { stdio: 'ignore' });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'clients', 'bench', 'secrets', '.token')), 'client token');
    serve.kill('SIGTERM'); await new Promise((r) => serve!.on('exit', r));
    spawnSync(join(dir, 'aibridge'), ['credentials', 'set', '--dir', dir, '--client', 'bench', '--node', pub.name, '--user', pub.username], { input: `${pub.password}\n` });
    serve = start();
    await waitFor(() => existsSync(join(dir, 'aibridge.pid')), 'serve');
    await new Promise((r) => setTimeout(r, 1500));
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
    const client = new Client({ name: 'bench-axl', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${readFileSync(join(dir, 'clients', 'bench', 'secrets', '.token'), 'utf8').trim()}` } } }));
    /** The tool's structuredContent, as an agent's client receives it (the SDK parsed it). */
    const tool = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
      if (r.isError) throw new Error(`${name}: ${String((r.content as Array<{ text?: string }>)[0]?.text ?? '').slice(0, 300)}`);
      return r.structuredContent as Record<string, unknown>;
    };
    const idle = rssMiB(serve.pid!);
    await tool('cucm_axl_request', { node: pub.name, operation: 'getCCMVersion', args: {} }); // version detection, schema load
    const warm = rssMiB(serve.pid!);

    // Serve's own CPU per sweep or query (user + system): what other load on the host moves least.
    const serveCpu = (): number => cpuMs(serve!.pid!);
    const listOurs = async (): Promise<{ s: number; phones: number; cpu: number }> => {
      const t = performance.now();
      const c = serveCpu();
      let listed = 0;
      for (let skip = 0; ; skip += PAGE) {
        const v = await tool('cucm_axl_request', { node: pub.name, operation: 'listPhone', args: { searchCriteria: { name: '%' }, returnedTags: { name: '', description: '', model: '' }, skip, first: PAGE } }) as { data: { phone?: unknown[] } };
        const n = v.data.phone?.length ?? 0;
        listed += n;
        if (n < PAGE) break;
      }
      return { s: (performance.now() - t) / 1000, phones: listed, cpu: serveCpu() - c };
    };
    const sqlOurs = async (): Promise<{ s: number; rows: number; cpu: number }> => {
      const t = performance.now();
      const c = serveCpu();
      const v = await tool('cucm_sql_query', { node: pub.name, sql: SQL, limit: 100_000 }) as { rows: number };
      return { s: (performance.now() - t) / 1000, rows: v.rows, cpu: serveCpu() - c };
    };
    const curl = async (op: string, body: string): Promise<void> => {
      await run('curl', ['-s', '--fail', '--cacert', j.ca_bundle, '-u', `${pub.username}:${pub.password}`, '-H', 'Content-Type: text/xml', '-H', `SOAPAction: "CUCM:DB ver=${j.version} ${op}"`, '-o', '/dev/null',
        `https://${pub.host}:${pub.https_port}/axl/`, '--data-binary', `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/${j.version}"><soapenv:Body><ns:${op}>${body}</ns:${op}></soapenv:Body></soapenv:Envelope>`]);
    };
    // The same pages aibridge fetched: the last one is the short (or empty) page that ends the list.
    const listCurl = async (): Promise<{ s: number }> => {
      const t = performance.now();
      for (let skip = 0; skip < phones + 1; skip += PAGE) await curl('listPhone', `<searchCriteria><name>%</name></searchCriteria><returnedTags><name/><description/><model/></returnedTags><skip>${skip}</skip><first>${PAGE}</first>`);
      return { s: (performance.now() - t) / 1000 };
    };
    const sqlCurl = async (): Promise<{ s: number }> => {
      const t = performance.now();
      await curl('executeSQLQuery', `<sql>${SQL}</sql>`);
      return { s: (performance.now() - t) / 1000 };
    };

    const list = await measurePairs({ ours: listOurs, base: listCurl });
    const afterList = rssMiB(serve.pid!);
    const sql = await measurePairs({ ours: sqlOurs, base: sqlCurl });
    const rss = rssMiB(serve.pid!);
    await client.close();
    const note = (n: number, cpu: Parameters<typeof fmt>[0]): string => `median of ${n} pairs; serve CPU ${fmt(cpu, 'ms')}`;
    record('sql-50k', { ours: `${fmt(sql.ours.s, 's')} for ${sql.ours.rows?.median ?? '?'} rows`, base: `curl to the lab ${fmt(sql.base.s, 's')}`, ratio: ratio(sql.ours.s, sql.base.s, 'time'), note: note(sql.pairs, sql.ours.cpu) });
    record('listphone-50k', { ours: `${fmt(list.ours.s, 's')} for ${list.ours.phones?.median ?? '?'} phones (${PAGE}/page)`, base: `curl ${fmt(list.base.s, 's')}`, ratio: ratio(list.ours.s, list.base.s, 'time'), note: note(list.pairs, list.ours.cpu) });
    record('serve-rss', { ours: `${rss.toFixed(0)} MiB`, base: '—', ratio: '—', note: `VmHWM over the run; idle ${idle.toFixed(0)}, after the AXL schema load ${warm.toFixed(0)}, after the listPhone pairs ${afterList.toFixed(0)}` });
    await keepAliveFigure(labDir, pub);
  } finally {
    const exited = (p: ReturnType<typeof spawn> | undefined): Promise<unknown> => (p && p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve());
    const done = Promise.all([exited(serve), exited(lab)]);
    serve?.kill('SIGTERM');
    lab.kill('SIGTERM');
    await done;
    // The scratch install (a copy of the binary) and the lab's folder are removed after the run.
    rmSync(dir, { recursive: true, force: true });
    rmSync(labDir, { recursive: true, force: true });
  }
}
