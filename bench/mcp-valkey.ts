/**
 * bench/mcp-valkey: aibridge_whoami at N concurrent MCP sessions (default 50) over two instances
 * with STATE_BACKEND=valkey sharing one redis-server on loopback, every call sent to the next
 * instance in turn (a round-robin load balancer without sticky sessions), next to one
 * STATE_BACKEND=local instance measured the same way, in alternating pairs (bench/lib/pairs.ts).
 * Then a counting pass: `redis-cli monitor` while BENCH_VALKEY_COUNT calls (default 200) run one at
 * a time, to count the store round trips per call (a MULTI…EXEC block or one script is one round
 * trip; commands a script runs inside the server are not round trips) and which commands they are.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { measurePairs, fmt, ratio } from './lib/pairs.ts';
import { drive, rssMiB, startServer, stop } from './lib/proc.ts';
import { record } from './lib/table.ts';
import { whoamiInstall } from './mcp.ts';
import { startRedis } from '../src/state/testdata/redis-server.ts';
import { openSession, sessionHeaders } from './lib/mcp-http.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const N = Number(process.env.BENCH_VALKEY_CLIENTS ?? 50);
const COUNT = Number(process.env.BENCH_VALKEY_COUNT ?? 200);


let nextId = 1;
async function whoami(url: string, token: string, sid: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'aibridge_whoami', arguments: {} } }),
    headers: sessionHeaders(token, sid),
  });
  const body = await res.text();
  if (res.status !== 200 || !body.includes('bench')) throw new Error(`call failed: HTTP ${res.status} ${body.slice(0, 200)}`);
}

/** Round trips and commands seen by `redis-cli monitor` while `work` runs. */
async function monitored(port: number, password: string, work: () => Promise<void>): Promise<{ trips: number; commands: Map<string, number> }> {
  const mon = spawn('redis-cli', ['-p', String(port), '-a', password, '--no-auth-warning', 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  mon.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((r) => { const t = setInterval(() => { if (out.includes('OK')) { clearInterval(t); r(); } }, 20); });
  await work();
  await new Promise((r) => setTimeout(r, 300)); // the last fire-and-forget commands (session touch) reach the monitor
  mon.kill();
  if (process.env.BENCH_VALKEY_MONITOR_OUT) writeFileSync(process.env.BENCH_VALKEY_MONITOR_OUT, out);
  const commands = new Map<string, number>();
  const inMulti = new Set<string>();
  let trips = 0;
  for (const line of out.split('\n')) {
    const m = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (!m || m[1] === 'lua') continue;
    const client = m[1]!;
    const cmd = m[2]!.toLowerCase();
    commands.set(cmd, (commands.get(cmd) ?? 0) + 1);
    if (cmd === 'multi') { inMulti.add(client); trips++; continue; }
    if (inMulti.has(client)) { if (cmd === 'exec' || cmd === 'discard') inMulti.delete(client); continue; }
    trips++;
  }
  return { trips, commands };
}

function licence(dir: string): void {
  const r = spawnSync(process.execPath, ['scripts/issue-license.ts', '--customer', 'bench', '--tier', 'enterprise', '--days', '30', '--out', join(dir, 'secrets', 'license.jwt')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`issue-license failed: ${r.stderr}`);
}

export async function benchMcpValkey(): Promise<void> {
  const redis = await startRedis();
  const [pa, pb, pl] = [19553, 19554, 19555];
  const shared = ['STATE_BACKEND=valkey', `VALKEY_URL=${redis.url}`, 'VALKEY_KEY_PREFIX=bench:'];
  const a = whoamiInstall(pa, [...shared, 'INSTANCE_NAME=a']);
  const b = whoamiInstall(pb, [...shared, 'INSTANCE_NAME=b']);
  const local = whoamiInstall(pl);
  const dirs = [a.dir, b.dir, local.dir];
  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  try {
    // A makes the keys, certificate and client tokens once; B gets copies and A's issuer (one service).
    cpSync(join(a.dir, 'profiles'), join(b.dir, 'profiles'), { recursive: true });
    mkdirSync(join(a.dir, 'secrets'), { mode: 0o700 });
    licence(a.dir);
    await stop(await startServer(join(a.dir, 'aibridge'), ['serve', '--dir', a.dir], pa));
    rmSync(join(b.dir, 'secrets'), { recursive: true, force: true });
    cpSync(join(a.dir, 'secrets'), join(b.dir, 'secrets'), { recursive: true });
    rmSync(join(b.dir, 'secrets', 'audit.checkpoint'), { force: true });
    cpSync(join(a.dir, 'clients'), join(b.dir, 'clients'), { recursive: true });
    // The local instance serves the same certificate: two self-signed aibridge certificates carry the
    // same subject, and a trust store holding both picks one by name and fails the other.
    mkdirSync(join(local.dir, 'secrets'), { mode: 0o700 });
    for (const f of ['server.crt', 'server.key']) cpSync(join(a.dir, 'secrets', f), join(local.dir, 'secrets', f));
    const envB = join(b.dir, '.env');
    writeFileSync(envB, readFileSync(envB, 'utf8').replace(/^AUTH_ISSUER=.*$/m, `AUTH_ISSUER=https://localhost:${pa}`), { mode: 0o600 });
    for (const [dir, port] of [[a.dir, pa], [b.dir, pb], [local.dir, pl]] as const) servers.push(await startServer(join(dir, 'aibridge'), ['serve', '--dir', dir], port));
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(a.dir, 'secrets', 'server.crt'), 'utf8')]);
    const tokens = (dir: string, names: string[]): string[] => names.map((n) => readFileSync(join(dir, 'clients', n, 'secrets', '.token'), 'utf8').trim());
    const tv = tokens(a.dir, a.names);
    const tl = tokens(local.dir, local.names);
    const urls = [pa, pb].map((p) => `https://localhost:${p}/mcp`);
    const urlL = `https://localhost:${pl}/mcp`;
    const sv = await Promise.all(Array.from({ length: N }, (_, w) => openSession(urls[w % 2]!, tv[w % tv.length]!)));
    const sl = await Promise.all(Array.from({ length: N }, (_, w) => openSession(urlL, tl[w % tl.length]!)));
    let turn = 0;
    const r = await measurePairs({
      ours: () => drive(N, SECONDS, (w) => whoami(urls[turn++ % 2]!, tv[w % tv.length]!, sv[w]!)),
      base: () => drive(N, SECONDS, (w) => whoami(urlL, tl[w % tl.length]!, sl[w]!)),
    });
    const counted = await monitored(redis.port, redis.password, async () => { for (let i = 0; i < COUNT; i++) await whoami(urls[i % 2]!, tv[i % tv.length]!, sv[i % N]!); });
    const perCall = counted.trips / COUNT;
    const breakdown = [...counted.commands].sort((x, y) => y[1] - x[1]).map(([c, k]) => `${c} ${(k / COUNT).toFixed(2)}`).join(', ');
    const side = (s: typeof r.ours): string => `${fmt(s.rate, 'calls/s')}, p50 ${fmt(s.p50, 'ms')}, p99 ${fmt(s.p99, 'ms')}`;
    record('mcp-valkey-50', {
      ours: `2 instances on Valkey: ${side(r.ours)}`, base: `1 local instance: ${side(r.base)}`, ratio: ratio(r.ours.rate, r.base.rate, 'throughput'),
      note: `p99 ${ratio(r.ours.p99, r.base.p99, 'time')} of local; ${perCall.toFixed(2)} store round trips per call (${breakdown} commands per call); ${N} sessions, median of ${r.pairs} pairs × ${SECONDS} s; load ${loadavg()[0]!.toFixed(1)}`,
    });
    console.log(`mcp-valkey peak RSS: a ${rssMiB(servers[0]!.pid!).toFixed(0)} MiB, b ${rssMiB(servers[1]!.pid!).toFixed(0)} MiB, local ${rssMiB(servers[2]!.pid!).toFixed(0)} MiB`);
  } catch (err) {
    // Say why an instance refused (e.g. state_store_unavailable: commands past VALKEY_COMMAND_TIMEOUT_MS on a loaded host).
    for (const d of dirs) {
      try {
        const bad = readFileSync(join(d, 'logs', 'app.log'), 'utf8').split('\n').filter((l) => /"level":"(error|critical)"/.test(l) && !l.includes('license')).slice(-3);
        if (bad.length) console.error(`mcp-valkey: ${d}: ${bad.join('\n')}`);
      } catch { /* no log */ }
    }
    throw err;
  } finally {
    for (const s of servers) await stop(s);
    await redis.stop();
    if (!process.env.BENCH_KEEP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
