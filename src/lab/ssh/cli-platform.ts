/**
 * @module Platform CLI commands common to CUCM, IM&P and Unity Connection nodes, in the output
 * formats of Cisco's captures (samples/cli): show status/version/network/hardware, utils ntp status,
 * utils service list, file list activelog.
 */
import type { LabNode } from '../lab-node.ts';
import type { LabData } from '../lab-data.ts';
import type { Interaction } from './cli-interactive.ts';
import type { FaultPlan } from '../faults.ts';
import { ccmBuild } from '../axl/axl-schemas.ts';

export interface CliContext {
  node: LabNode;
  data: LabData;
  allNodes: readonly LabNode[];
  startedAt: Date;
  /** Faults that change command output (replication:bad, ntp:unsynced, cert:expiring); none when absent. */
  faults?: FaultPlan;
  /** The lab's clock (ms); Date.now when absent. A test that grades the output with a fixed clock passes the same one. */
  now?: () => number;
}

/** `then`: what follows the lines (streamed output, a prompt, a pager), played by the shell. */
export interface CliResult { lines: string[]; ok: boolean; then?: Interaction }

export const FAILED = 'Executed command unsuccessfully';

export function productVersion(ctx: CliContext): string {
  const v = ctx.data.version;
  const builds: Record<string, Record<string, string>> = {
    cuc: { '11.5': '11.5.1.17900-25', '12.0': '12.0.1.21900-10', '12.5': '12.5.1.16900-14', '14.0': '14.0.1.13900-39', '15.0': '15.0.1.10000-38' },
    imp: { '11.5': '11.5.1.17900-6', '12.0': '12.0.1.21900-3', '12.5': '12.5.1.16900-4', '14.0': '14.0.1.13900-6', '15.0': '15.0.1.10000-30' },
  };
  if (ctx.node.product === 'cuc' || ctx.node.product === 'imp') return builds[ctx.node.product]![v] ?? builds[ctx.node.product]!['14.0']!;
  return ccmBuild(v);
}

function fmtDate(d: Date): string {
  return d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, dow: string, day: string, mon: string, y: string, t: string) => `${dow} ${mon} ${Number(day)}, ${y} ${t}`);
}

export function showStatus(ctx: CliContext): string[] {
  const now = new Date();
  const up = Math.floor((now.getTime() - ctx.startedAt.getTime()) / 1000);
  return [
    '', `Host Name          : ${ctx.node.name}`, `Date               : ${fmtDate(now)}`, 'Time Zone          : Coordinated Universal Time (Etc/UTC)',
    'Locale             : en_US.UTF-8', `Product Ver        : ${productVersion(ctx)}`, 'Unified OS Version : 8.0.0.0-2', '', 'Uptime:',
    ` ${now.toISOString().slice(11, 19)} up ${Math.floor(up / 86400)} days, ${String(Math.floor((up % 86400) / 3600)).padStart(2)}:${String(Math.floor((up % 3600) / 60)).padStart(2, '0')},  1 user,  load average: 0.42, 0.37, 0.31`,
    '', 'CPU Idle:   91.46%  System:   03.02%    User:   05.27%', '  IOWAIT:   00.25%     IRQ:   00.00%    Soft:   00.00%', '',
    'Memory Total:        8008648K', '        Free:         391712K', '        Used:        5203208K', '      Cached:        2101536K',
    '      Shared:         551324K', '     Buffers:        2413728K', '', '                        Total            Free            Used',
    'Disk/active         17921776K        6322856K       11399408K (65%)', 'Disk/inactive       17921776K       16943272K          45080K (1%)',
    'Disk/logging        62681844K       41513908K       17960820K (31%)', '',
  ];
}

export function showVersion(ctx: CliContext, which: 'active' | 'inactive'): string[] {
  if (which === 'inactive') return ['', 'Inactive Master Version: 12.5.1.16900-48', 'Inactive Version Installed Software Options:', 'No Installed Software Options Found.', ''];
  return ['', `Active Master Version: ${productVersion(ctx)}`, 'Active Version Installed Software Options:', 'No Installed Software Options Found.', ''];
}

export function showNetworkEth0(ctx: CliContext): string[] {
  return [
    'Ethernet 0', 'DHCP         : disabled           Status     : up', `IP Address   : ${ctx.node.host.padEnd(19)}IP Mask    : 255.000.000.000`,
    'Link Detected: yes                Mode       : Auto disabled, Full, 10000 Mbits/s', 'Duplicate IP : no', '', 'DNS',
    'Primary      : 127.0.0.53         Secondary  : Not Configured', 'Options      : timeout:5 attempts:2', 'Domain       : lab.example.com',
    'Gateway      : 127.0.0.1 on Ethernet 0', '',
  ];
}

export function showNetworkCluster(ctx: CliContext): string[] {
  const mine = ctx.allNodes.filter((n) => n.cluster === ctx.node.cluster);
  // TechNote 217581: the publisher "DBPub authenticated", subscribers "DBSub authenticated using TCP since …".
  const since = (i: number): string => new Date(ctx.startedAt.getTime() - (3 + i) * 86_400_000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 $4');
  return ['', ...mine.map((n, i) => `${n.host} ${n.name}.lab.example.com ${n.name} ${n.role === 'publisher' ? 'Publisher' : 'Subscriber'} ${n.product === 'cucm' ? 'callmanager' : n.product === 'imp' ? 'cups' : 'cuc'} ${n.role === 'publisher' ? 'DBPub authenticated' : `DBSub authenticated using TCP since ${since(i)}`}`), '', 'Server Table (processnode) Entries', '----------------------------------', ...mine.map((n) => n.name), ''];
}

export function showHardware(): string[] {
  return [
    '', 'HW Platform       : VMware Virtual Machine', 'Processors        : 2', 'Type              : Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', 'CPU Speed         : 2500',
    'Memory            : 8192 MBytes', 'Object ID         : 1.3.6.1.4.1.9.1.1348', 'OS Version        : UCOS 8.0.0.0-2.el7', 'Serial Number     : VMware-42 1a 6b 0e 9c 33 7d 4e-b1 f2 0d 65 2c 8a 11 7e',
    '', 'RAID Version      :', 'No RAID controller information is available', '', 'BIOS Information  :', 'PhoenixTechnologiesLTD 6.00 12/12/2018', '',
    'RAID Details      :', 'No RAID information is available', '-----------------------------------------------------------------------', 'Physical device information',
    '-----------------------------------------------------------------------', 'Number of Disks   : 1', 'Hard Disk #1', 'Size (in GB)      : 110', '', 'Partition Details :', '',
    'Disk /dev/sda: 14359 cylinders, 255 heads, 63 sectors/track', 'Units = sectors of 512 bytes, counting from 0', '',
    '   Device Boot    Start       End   #sectors  Id  System', '/dev/sda1   *      2048  37750783   37748736  83  Linux', '/dev/sda2      37750784  75499519   37748736  83  Linux',
    '/dev/sda3      75499520  76548095    1048576  83  Linux', '/dev/sda4      76548096 230686719  154138624   5  Extended', '/dev/sda5      76550144  84938751    8388608  82  Linux swap / Solaris',
    '/dev/sda6      84940800 230686719  145745920  83  Linux', '',
  ];
}

/** `Wed Dec 31 19:54:53 UTC 2025`, the `date` format the VOS CLI prints. */
export function unixDate(d: Date): string {
  const [dow, , mon] = d.toUTCString().split(' ');
  return `${dow!.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 19)} UTC ${d.getUTCFullYear()}`;
}

export function ntpStatus(ctx?: CliContext): string[] {
  const now = new Date();
  // ntpstat's wording when ntpd has no usable peer (reach 0, stratum 16, refid .INIT.).
  if (ctx?.faults?.ntpUnsynced) return [
    'ntpd (pid 2214) is running...', '', '     remote           refid      st t when poll reach   delay   offset  jitter',
    '==============================================================================', ' 127.0.0.1       .INIT.          16 u    -   64    0    0.000    0.000   0.000', '', '',
    'unsynchronised', '  time server re-starting', '   polling server every 8 s', '',
    `Current time in UTC is : ${unixDate(now)}`, `Current time in Etc/UTC is : ${unixDate(now)}`, '',
  ];
  return [
    'ntpd (pid 2214) is running...', '', '     remote           refid      st t when poll reach   delay   offset  jitter',
    '==============================================================================', '*127.0.0.1       .GPS.            1 u   37   64  377    0.312   -0.051   0.022', '', '',
    'synchronised to NTP server (127.0.0.1) at stratum 2', '   time correct to within 12 ms', '   polling server every 64 s', '',
    `Current time in UTC is : ${unixDate(now)}`, `Current time in Etc/UTC is : ${unixDate(now)}`, '',
  ];
}

/** `utils service list` from the node's service state (the same one Control Center reports and changes). */
export function serviceList(ctx: CliContext): string[] {
  const rows = ctx.data.services.list(ctx.node.name).map(serviceRow);
  return ['Requesting service status, please wait...', 'System SSH [STARTED]', 'Cluster Manager [STARTED]', 'Password Reset [STOPPED] Service Not Activated', 'Service Manager [STARTED]', 'Service Manager is running', 'Getting list of all services', '>> Return code = 0', ...rows, `Primary Node =${ctx.node.role === 'publisher' ? 'true' : 'false'}`, ''];
}

/** One service as `utils service list` prints it (the spacing of real captures differs by state). */
function serviceRow(s: { name: string; status: string; activated: boolean; commanded?: boolean }): string {
  if (s.status === 'Started') return `${s.name}[STARTED]`;
  if (!s.activated) return `${s.name}[STOPPED]  Service Not Activated`;
  return s.commanded ? `${s.name}[STOPPED]  Commanded Out of Service` : `${s.name}[ STOPPED ]  Component is not running`;
}

/**
 * `utils service start|stop|restart NAME` (syntax as the CLI reference gives it: the rest of the
 * line is the service name) on the node's service state, the one Control Center reports and
 * changes. It prints the states the service passes through (STOPPING/STOPPED, STARTING/STARTED),
 * a commanded stop with "Commanded Out of Service", and a service that does not come up as
 * NOTRUNNING with the command failing. Names compare case-insensitively, as Control Center's.
 */
export function serviceControl(ctx: CliContext, action: 'start' | 'stop' | 'restart', args: string[]): CliResult {
  const name = args.join(' ').trim();
  if (!name) return { lines: ['Syntax:', `utils service ${action} serv`, `serv   mandatory   name of the service to ${action}`, FAILED], ok: false };
  const svc = ctx.data.services.get(ctx.node.name, name);
  if (!svc) return { lines: [`Service "${name}" not found. Use utils service list to see the service names`, FAILED], ok: false };
  if (!svc.activated) return { lines: [`${svc.name}[STOPPED]  Service Not Activated`, FAILED], ok: false };
  const verb = action === 'stop' ? 'stop' : action === 'start' ? 'start' : 'restart';
  const lines = [`Do not press Ctrl+C while the service is ${verb === 'stop' ? 'stopping' : verb === 'start' ? 'starting' : 'restarting'}. If you do, the service will continue to ${verb} but the command will exit.`];
  const wasUp = svc.status === 'Started';
  ctx.data.services.control(ctx.node.name, svc.name, action === 'stop' ? 'Stop' : action === 'start' ? 'Start' : 'Restart', Date.now());
  if (action !== 'start' && wasUp) lines.push(`${svc.name}[STOPPING]`, `${svc.name}[STOPPED]  Commanded Out of Service`);
  if (action === 'stop') {
    if (!wasUp) lines.push(`${svc.name}[STOPPED]  Commanded Out of Service`);
    return { lines: [...lines, ''], ok: true };
  }
  if (action === 'start' && wasUp) return { lines: [...lines, `${svc.name}[STARTED]`, ''], ok: true };
  lines.push(`${svc.name}[STARTING]`);
  if (svc.status !== 'Started') return { lines: [...lines, `${svc.name}[NOTRUNNING]`, FAILED], ok: false };
  return { lines: [...lines, `${svc.name}[STARTED]`, ''], ok: true };
}

const LOG_TREE: Record<string, [string, number][]> = {
  'cm/trace/ccm/sdl': [['SDL001_100_000001.txt.gz', 1_048_213], ['SDL001_100_000002.txt.gz', 998_102], ['SDL001_100_000003.txt', 412_334]],
  'cm/trace/dbl': [['dbl_repl_output_Broadcast.log', 18_221], ['dbmon00001.txt', 9_331]],
  'cm/trace/cdrrep/log4j': [['cdrrepThreadDump.log', 0], ['cdrrepmgr.bin', 36], ['cdrrepmgr00072.log', 133_772], ['cdrrepmgr00073.log', 559_502]],
  'platform/log': [['certMonitor.log', 8_557], ['diag1.log', 47_916], ['servm.log', 88_012]],
  syslog: [['messages', 2_144_210], ['CiscoSyslog', 511_209], ['secure', 77_345]],
};

export function fileList(args: string[]): CliResult {
  const options = new Set(['page', 'detail', 'reverse', 'date', 'size']);
  const spec = args.find((a) => !options.has(a));
  if (!spec) return { lines: ['Syntax:', 'file list activelog file-spec [options]', 'file-spec   mandatory   file to view', 'options     optional    page|detail|reverse|[date|size]', FAILED], ok: false };
  const dir = spec.replace(/^\/+|\/+$/g, '').replace(/\/\*$/, '');
  const dirs = Object.keys(LOG_TREE).filter((d) => d.startsWith(`${dir}/`)).map((d) => d.slice(dir.length + 1).split('/')[0]!);
  const files = LOG_TREE[dir] ?? [];
  if (files.length === 0 && dirs.length === 0) return { lines: [`Directory ${spec} not found`, FAILED], ok: false };
  const detail = args.includes('detail');
  const stamp = (i: number): string => `${String(1 + (i % 27)).padStart(2, '0')} Nov,2026 ${String(8 + (i % 10)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:${String((i * 13) % 60).padStart(2, '0')}`;
  const uniqueDirs = [...new Set(dirs)];
  let rows = [...uniqueDirs.map((d, i) => (detail ? `${stamp(i)}      <dir>    ${d}` : `${d}`)), ...files.map(([n, s], i) => (detail ? `${stamp(i + 3)} ${s.toLocaleString('en-US').padStart(12)}  ${n}` : n))];
  if (args.includes('reverse')) rows = rows.reverse();
  return { lines: ['', ...rows, `dir count = ${uniqueDirs.length}, file count = ${files.length}`, ''], ok: true };
}
