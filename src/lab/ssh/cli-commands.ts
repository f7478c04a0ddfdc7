/**
 * @module The admin CLI command table: longest-prefix match on words, per-product commands
 * (CUCM, IM&P `utils ha status` / `show perf`, Unity Connection `show cuc version` /
 * `run cuc dbquery`), `run sql` tables underlined as the real CLI prints them, and
 * "No valid command entered" / "Executed command unsuccessfully" on bad input.
 */
import type { CliContext, CliResult } from './cli-platform.ts';
import { perfObjects, perfValues } from '../serviceability/perfmon-counters.ts';
import { FAILED, unixDate, fileList, ntpStatus, productVersion, serviceControl, serviceList, showHardware, showNetworkCluster, showNetworkEth0, showStatus, showVersion } from './cli-platform.ts';
import { runStatement } from '../sql/sql-exec.ts';
import { SqlError } from '../sql/sql-parse.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import { phoneModel } from '../models.ts';
import { INTERACTIVE_COMMANDS } from './cli-interactive.ts';
import { showCertListOwn, showCertOwn } from './cli-certs.ts';

export interface SessionState { pagination: boolean }

type Handler = (ctx: CliContext, args: string[], state: SessionState) => CliResult;

const ok = (lines: string[]): CliResult => ({ lines, ok: true });

function table(columns: string[], rows: (string | null)[][], underline: '=' | '-'): string[] {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(underline === '=' ? ' ' : '  ').trimEnd();
  return [fmt(columns), fmt(widths.map((w) => underline.repeat(w))), ...rows.map((r) => fmt(r.map((c) => c ?? 'NULL')))];
}

function runSql(ctx: CliContext, args: string[]): CliResult {
  const sql = args.join(' ');
  if (sql === '') return { lines: ['Syntax:', 'run sql sql_statement', FAILED], ok: false };
  try {
    const r = runStatement(sql, ctx.data);
    if (typeof r === 'number') return ok([`Rows: ${r}`]);
    return ok(table(r.columns, r.rows, '='));
  } catch (err) {
    if (err instanceof SqlError) return { lines: [`${err.code}: ${err.message}`, FAILED], ok: false };
    throw err;
  }
}

function cucDbquery(ctx: CliContext, args: string[]): CliResult {
  if (args[0] !== 'unitydirdb' && args[0] !== 'unitydyndb') return { lines: ['Syntax:', 'run cuc dbquery database_name sql_statement', FAILED], ok: false };
  // eslint-disable-next-line security/detect-unsafe-regex -- lab simulator only (never in front of a real node); its input is one CLI line already bounded by aibridge
  const m = /^select\s+(.+?)\s+from\s+(vw_user|tbl_user)(?:\s+where\s+(\w+)\s*=\s*'([^']*)')?\s*$/i.exec(args.slice(1).join(' '));
  if (!m) return { lines: ['Invalid SQL statement', FAILED], ok: false };
  const cols = m[1]!.split(',').map((c) => c.trim().toLowerCase());
  const rows = ctx.data.cupi.users.map((u) => ({ alias: u.Alias ?? '', objectid: u.ObjectId ?? '', displayname: u.DisplayName ?? '', dtmfaccessid: u.DtmfAccessId ?? '', firstname: u.FirstName ?? '', lastname: u.LastName ?? '' } as Record<string, string>));
  const all = cols.length === 1 && cols[0] === '*' ? Object.keys(rows[0] ?? { alias: '' }) : cols;
  for (const c of all) if (rows[0] && !(c in rows[0])) return { lines: [`Column (${c}) not found in any table in the query (or SLV is undefined).`, FAILED], ok: false };
  const filtered = m[3] ? rows.filter((r) => (r[m[3]!.toLowerCase()] ?? '') === m[4]) : rows;
  return ok(['', ...table(all, filtered.map((r) => all.map((c) => r[c] ?? '')), '-'), '']);
}

function dbReplication(ctx: CliContext): CliResult {
  const nodes = ctx.allNodes.filter((n) => n.cluster === ctx.node.cluster);
  const ver = productVersion(ctx).replace(/[.-]/g, '_');
  // replication:bad: the last subscriber has mismatched tables (RTMT state 3) and a queue.
  const bad = ctx.faults?.replicationBad ? nodes.filter((n) => n.role === 'subscriber').at(-1) : undefined;
  return ok([
    '', `Server Time: ${unixDate(new Date())}`, '', 'Cluster Replication State: BROADCAST SYNC ended at: 2026-11-01-09-12',
    `     Sync Result: SYNC COMPLETED on ${bad ? 749 : 753} tables out of 753`, bad ? '     Sync Status: Tables out of sync' : '     Sync Status: All Tables are in sync', "     Use CLI to see detail: 'file view activelog cm/trace/dbl/20261101_091012_dbl_repl_output_Broadcast.log'", '',
    `DB Version: ccm${ver}`, '', 'Repltimeout set to: 300s', 'PROCESS option set to: 1', '', `Cluster Detailed View from ${ctx.node.name} (${nodes.length} Servers):`, '',
    '                                           PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP',
    'SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details',
    '-----------              ----------        ------    -------   -----    -----------    ------------------',
    ...nodes.map((n, i) => `${n.name.padEnd(25)}${n.host.padEnd(18)}${(n === ctx.node ? '0.016' : '0.163').padEnd(10)}Y/Y/Y     ${bad === n ? '12 ' : '0  '}      (g_${i + 2})          ${bad === n ? '(3) Setup Completed' : '(2) Setup Completed'}`), '',
  ]);
}

function risdbPhones(ctx: CliContext): CliResult {
  const lines = ['', '-------------------- RisDB Phone Table --------------------', '',
    'DeviceName,Descr,Ipaddr,Ipv6addr,Ipv4Attr,Ipv6Attr,MacAddr,RisClass,Model,Status,StatusReason,LinesStatus,Protocol,TimeStamp'];
  let n = 0;
  for (const phone of ctx.data.axl.all('Phone')) {
    const name = xText(phone.name);
    const reg = ctx.data.registrations.get(name.toUpperCase());
    if (!reg || reg.node !== ctx.node.name) continue;
    const dn = xList(xObj(phone.lines)?.line).map((l) => `(${xText(xObj(xObj(l)?.dirn)?.pattern)}-${reg.status === 'Registered' ? 'Registered' : 'UnRegistered'})`).join('');
    lines.push([name, xText(phone.description), reg.ip, '', '0', '0', name.slice(3), 'Phone', String(phoneModel(xText(phone.model)).typeModel), reg.status, reg.status === 'Rejected' ? '6' : '0', dn, xText(phone.protocol) || 'SIP', String(reg.timestamp)].join(','));
    n++;
  }
  lines.push('', `Total Phones = ${n}`, '');
  return ok(lines);
}

function haStatus(ctx: CliContext): CliResult {
  return ok(['', 'Subcluster Name: DefaultCUPSubcluster', '', `Node Name: ${ctx.node.name}  State: Normal  Reason: Normal`, '', 'Node Name: imp-sub1  State: Normal  Reason: Normal', '']);
}

function perfQuery(ctx: CliContext, args: string[]): CliResult {
  const m = /^(class|counter|instance)\s+("?)(.+?)\2(?:\s|$)/.exec(args.join(' '));
  if (!m) return { lines: ['Syntax:', 'show perf query class class-name [,class-name...]', FAILED], ok: false };
  const cls = m[3]!;
  const pctx = { node: ctx.node, data: ctx.data, calls: ctx.data.calls, services: ctx.data.services, now: Date.now() };
  const object = perfObjects(pctx).find((o) => o.name === cls);
  const extra: Record<string, [string, string][]> = {
    'Cisco Presence Engine': [['ActiveJsmSessions', '412'], ['SubscriptionActiveReceivedFromForeign', '37'], ['PresenceUpdates', '88123']],
    'Cisco XCP CM': [['CmConnectedSockets', '385'], ['CmFailedRequests', '0']],
  };
  // The same values PerfmonService reports (instances of multi-instance objects are summed into _Total where present).
  const list: [string, string][] | undefined = object
    ? Object.entries(perfValues(pctx, object).get(object.multiInstance ? object.instances[0] : undefined) ?? {}).map(([k, v]) => [k, String(v)])
    : ctx.node.product === 'imp' ? extra[cls] : undefined;
  if (!list) return { lines: [`Invalid class name: ${cls}`, FAILED], ok: false };
  return ok(['', `==>query class :`, '', ...list.map(([k, v]) => `- ${cls} -> ${k.padEnd(36)} = ${v}`), '']);
}

/** Command words → handler; products limit where a command exists. */
const COMMANDS: ReadonlyArray<{ words: string[]; products?: string[]; run: Handler }> = [
  { words: ['show', 'version', 'active'], run: (c) => ok(showVersion(c, 'active')) },
  { words: ['show', 'version', 'inactive'], run: (c) => ok(showVersion(c, 'inactive')) },
  { words: ['show', 'status'], run: (c) => ok(showStatus(c)) },
  { words: ['show', 'network', 'eth0'], run: (c) => ok(showNetworkEth0(c)) },
  { words: ['show', 'network', 'cluster'], run: (c) => ok(showNetworkCluster(c)) },
  { words: ['show', 'hardware'], run: () => ok(showHardware()) },
  { words: ['show', 'date'], run: () => ok([unixDate(new Date())]) },
  { words: ['show', 'myself'], run: (c) => ok(['', 'Machine Name    : ' + c.node.name, 'account name    : admin', 'privilege level : 4', 'command count disabled : false', '']) },
  { words: ['show', 'cli', 'pagination'], run: (_c, _a, s) => ok([`Automatic Pagination : ${s.pagination ? 'On' : 'Off'}.`, '']) },
  { words: ['set', 'cli', 'pagination', 'off'], run: (_c, _a, s) => { s.pagination = false; return ok(['Automatic pagination is turned off', '']); } },
  { words: ['set', 'cli', 'pagination', 'on'], run: (_c, _a, s) => { s.pagination = true; return ok(['Automatic pagination is turned on', '']); } },
  { words: ['utils', 'ntp', 'status'], run: (c) => ok(ntpStatus(c)) },
  { words: ['show', 'cert', 'list', 'own'], run: (c) => showCertListOwn(c) },
  { words: ['show', 'cert', 'own'], run: (c, a) => showCertOwn(c, a) },
  { words: ['utils', 'service', 'list'], run: (c) => ok(serviceList(c)) },
  { words: ['utils', 'service', 'start'], run: (c, a) => serviceControl(c, 'start', a) },
  { words: ['utils', 'service', 'stop'], run: (c, a) => serviceControl(c, 'stop', a) },
  { words: ['utils', 'service', 'restart'], run: (c, a) => serviceControl(c, 'restart', a) },
  { words: ['utils', 'dbreplication', 'runtimestate'], products: ['cucm', 'imp'], run: (c) => dbReplication(c) },
  { words: ['show', 'risdb', 'query', 'phone'], products: ['cucm'], run: (c) => risdbPhones(c) },
  { words: ['file', 'list', 'activelog'], run: (_c, a) => fileList(a) },
  { words: ['run', 'sql'], products: ['cucm', 'imp'], run: (c, a) => runSql(c, a) },
  { words: ['utils', 'ha', 'status'], products: ['imp'], run: (c) => haStatus(c) },
  { words: ['show', 'perf', 'query'], run: (c, a) => perfQuery(c, a) },
  { words: ['show', 'cuc', 'version'], products: ['cuc'], run: (c) => ok([`Active version: ${productVersion(c)}`, 'Inactive version: 12.5.1.16900-14', '']) },
  { words: ['run', 'cuc', 'dbquery'], products: ['cuc'], run: (c, a) => cucDbquery(c, a) },
  ...INTERACTIVE_COMMANDS,
];

function available(ctx: CliContext): (typeof COMMANDS)[number][] {
  return COMMANDS.filter((c) => !c.products || c.products.includes(ctx.node.product));
}

/** `help` lists the commands; `cmd?` prints `Syntax:` glued to the echoed line (CLI-REF). */
function helpFor(ctx: CliContext, line: string): CliResult | undefined {
  const t = line.trim();
  if (t === 'help' || t === '?') return ok(['', 'Command Summary:', ...available(ctx).map((c) => `  ${c.words.join(' ')}`), '']);
  if (!t.endsWith('?') && !t.startsWith('help ')) return undefined;
  const words = t.replace(/^help\s+/, '').replace(/\?$/, '').trim().toLowerCase().split(/\s+/);
  const matches = available(ctx).filter((c) => words.every((w, i) => c.words[i] === w));
  if (matches.length === 0) return { lines: [FAILED, 'No valid command entered'], ok: false };
  // `help <cmd>` prints "<cmd> help:" and what it does (CLI-REF); `<cmd>?` prints "Syntax:".
  if (t.startsWith('help ')) return ok([`${words.join(' ')} help:`, `This command runs ${words.join(' ')} on this node`, '', 'Syntax:', ...matches.map((c) => c.words.join(' ')), '']);
  return ok(['Syntax:', ...matches.map((c) => c.words.join(' ')), '']);
}

/** Run one command line (without the prompt). */
export function runCliCommand(ctx: CliContext, line: string, state: SessionState): CliResult {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return ok([]);
  const help = helpFor(ctx, line);
  if (help) return help;
  const lower = words.map((w) => w.toLowerCase());
  let best: (typeof COMMANDS)[number] | undefined;
  for (const c of COMMANDS) {
    if (c.products && !c.products.includes(ctx.node.product)) continue;
    if (c.words.every((w, i) => lower[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  if (!best) {
    const known = COMMANDS.some((c) => c.words[0] === lower[0]);
    return { lines: known ? [`Invalid command: ${line.trim()}`, FAILED] : [FAILED, 'No valid command entered'], ok: false };
  }
  return best.run(ctx, words.slice(best.words.length), state);
}
