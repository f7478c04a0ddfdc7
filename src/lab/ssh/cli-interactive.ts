/**
 * @module Lab CLI commands that do not simply print and return, as on real nodes: long-running
 * commands that stream for a while (`utils diagnose test`, `utils dbreplication status`,
 * `utils network connectivity` after its y/n), numbered menus (`utils system upgrade initiate`),
 * password prompts (`set password user …`, `utils cuc reset password`), a 1 MB `show tech`
 * output, and `file view` / `file tail` of large generated logs (200,000 lines) with the real
 * `file view` pager. The shell (cli-shell.ts) plays the interactions.
 */
import type { CliContext, CliResult } from './cli-platform.ts';
import { FAILED } from './cli-platform.ts';

/** A log the lab can page through without holding it in memory. */
export interface LabLog { path: string; lines: number; line(n: number): string }

export type Interaction =
  /** Lines that arrive over time; Ctrl-C stops them. */
  | { kind: 'stream'; steps: ReadonlyArray<{ delayMs: number; lines: string[] }>; after?: string[] }
  /** A question on one line without a newline; the answer line decides what follows. */
  | { kind: 'prompt'; text: string; answer(input: string): CliResult; anyKey?: boolean }
  | { kind: 'view'; log: LabLog }
  | { kind: 'tail'; log: LabLog; lines: number };

const ok = (lines: string[], then?: Interaction): CliResult => ({ lines, ok: true, ...(then ? { then } : {}) });

const MODULES: ReadonlyArray<[string, string]> = [
  ['test', 'disk_space          : Passed (available: 6938 MB, used: 11852 MB)'], ['skip', 'disk_files          : This module must be run directly and off hours'],
  ['test', 'service_manager     : Passed'], ['test', 'tomcat              : Passed'], ['test', 'tomcat_deadlocks    : Passed'],
  ['test', 'tomcat_keystore     : Passed'], ['test', 'tomcat_connectors   : Passed'], ['test', 'tomcat_threads      : Passed'],
  ['test', 'tomcat_memory       : Passed'], ['test', 'tomcat_sessions     : Passed'], ['skip', 'tomcat_heapdump     : This module must be run directly and off hours'],
  ['test', 'validate_network    : Passed'], ['test', 'raid                : Passed'], ['test', 'system_info         : Passed (Collected system information in diagnostic log)'],
  ['test', 'ntp_reachability    : Passed'], ['test', 'ntp_clock_drift     : Passed'], ['test', 'ntp_stratum         : Passed'],
  ['skip', 'sdl_fragmentation   : This module must be run directly and off hours'], ['skip', 'sdi_fragmentation   : This module must be run directly and off hours'],
];

/** `utils diagnose test` (TechNote 215013 / 217581): about 7 s, one module at a time. */
function diagnoseTest(): CliResult {
  return ok(['Log file: platform/log/diag1.log', '', 'Starting diagnostic test(s)', '==========================='], {
    kind: 'stream',
    steps: MODULES.map(([k, m]) => ({ delayMs: k === 'skip' ? 50 : 350, lines: [`${k} - ${m}`] })),
    after: ['', 'Diagnostics Completed', '', 'The final output will be in Log file: platform/log/diag1.log', '', "Please use 'file view activelog platform/log/diag1.log' command to see the output", ''],
  });
}

function dbreplicationStatus(ctx: CliContext): CliResult {
  return ok(['', '', `-------------------- utils dbreplication status --------------------`, '', 'Replication status check is now running in background.'], {
    kind: 'stream',
    steps: [
      { delayMs: 1500, lines: ["Use command 'utils dbreplication runtimestate' to check its progress", ''] },
      { delayMs: 1500, lines: ['The final output will be in file cm/trace/dbl/sdi/ReplicationStatus.2026_11_30_10_41_21.out', ''] },
      { delayMs: 1000, lines: [`Please use "file view activelog cm/trace/dbl/sdi/ReplicationStatus.2026_11_30_10_41_21.out " command to see the output`, ''] },
    ],
    after: [`Servers in cluster: ${ctx.allNodes.filter((n) => n.cluster === ctx.node.cluster).length}`, ''],
  });
}

function networkConnectivity(ctx: CliContext): CliResult {
  return ok(['This command can take up to 3 minutes to complete.'], {
    kind: 'prompt', text: 'Continue (y/n)?',
    answer: (input) => (/^y(es)?$/i.test(input.trim())
      ? ok([], { kind: 'stream', steps: [{ delayMs: 2000, lines: ['Running test, please wait ...'] }, { delayMs: 3000, lines: ['.......'] }], after: [`Network connectivity test with ${ctx.node.name} completed successfully.`, ''] })
      : ok([''])),
  });
}

/** The numbered menu of CLI-REF "Ctrl-C exits a command" (samples/cli/ctrl-c-exits-command-cliref.txt). */
function upgradeMenu(): CliResult {
  return ok(['Warning: Do not close this window without first exiting the upgrade command.', '', 'Source:', '', '1) Remote Filesystem', '2) DVD/CD', 'q) quit', ''], {
    kind: 'prompt', text: 'Please select an option (1 - 2 or "q" ): ',
    answer: (input) => (input.trim() === 'q' ? ok(['Exiting upgrade command. Please wait...', ''])
      : ok([], { kind: 'prompt', text: 'Directory: ', answer: () => ok([], { kind: 'prompt', text: 'Server: ', answer: () => ({ lines: ['Could not connect to the remote server', FAILED], ok: false }) }) })),
  });
}

function passwordPrompt(first: string): CliResult {
  return ok([], {
    kind: 'prompt', text: first,
    answer: () => ok([], { kind: 'prompt', text: 'Please enter the new password: ', answer: () => ({ lines: ['The passwords do not match', FAILED], ok: false }) }),
  });
}

function pausedForKey(): CliResult {
  return ok(['Collecting core dump information ...', ''], { kind: 'prompt', text: 'Paused, press any key to continue', anyKey: true, answer: () => ok(['No core dumps found', '']) });
}

/** `show tech network all`: a large output (about 1 MB), for the pager and for bench/cli. */
function showTechNetwork(ctx: CliContext): CliResult {
  const lines = ['-------------------- show platform network --------------------', ''];
  for (let i = 0; i < 13_000; i++) {
    lines.push(`tcp        0      0 ${ctx.node.host}:${String(1024 + (i % 60000)).padEnd(6)} 10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}:${5060 + (i % 3)}   ESTABLISHED ${1000 + i}/ccm  conn=${i}`);
  }
  lines.push('', '-------------------- end of show tech network --------------------', '');
  return ok(lines);
}

/** Deterministic generated logs; `lines` decides the size (the big one has 200,000). */
export const LAB_LOGS: ReadonlyArray<LabLog> = [
  {
    path: 'cm/trace/ccm/sdl/SDL001_100_000003.txt', lines: 200_000,
    line: (n) => `${String(n).padStart(8, '0')}.000 |${String(10 + Math.floor(n / 3600) % 14).padStart(2, '0')}:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')} |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.1.${n % 250}.${(n * 7) % 250} on port 5060 index ${n} line ${n}`,
  },
  {
    path: 'platform/log/diag1.log', lines: 120,
    line: (n) => (n % 6 === 1 ? `11-30-2026 10:4${n % 10}:0${n % 10} diag.sh|Starting diagnostic module ${n}` : `11-30-2026 10:4${n % 10}:0${n % 10} diag.sh|module ${n}: Passed`),
  },
  {
    path: 'syslog/messages', lines: 25_000,
    line: (n) => `Nov 30 10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} cucm-pub local7 6 ccm: ${n}: cucm-pub: Nov 30 2026 10:00:00.${String(n % 1000).padStart(3, '0')} UTC :  %UC_CALLMANAGER-6-DeviceRegistered: %[DeviceName=SEP0011220${String(n % 100000).padStart(5, '0')}][IPAddress=10.1.${n % 250}.${n % 200}][Protocol=SIP]: Device registered`,
  },
];

function findLog(spec: string | undefined): LabLog | undefined {
  const p = (spec ?? '').replace(/^\/+/, '');
  return LAB_LOGS.find((l) => l.path === p);
}

function fileView(args: string[]): CliResult {
  if (args[0] !== 'activelog' || !args[1]) return { lines: ['Syntax:', 'file view activelog|inactivelog|install|system-management-log file-spec', FAILED], ok: false };
  const log = findLog(args[1]);
  if (!log) return { lines: [`Error: ${args[1]} not found`, FAILED], ok: false };
  return ok([], { kind: 'view', log });
}

function fileTail(args: string[]): CliResult {
  if (args[0] !== 'activelog' || !args[1]) return { lines: ['Syntax:', 'file tail activelog file-spec [detail] [hex] [lines]', FAILED], ok: false };
  const log = findLog(args[1]);
  if (!log) return { lines: [`Error: ${args[1]} not found`, FAILED], ok: false };
  const n = args.slice(2).map(Number).find((v) => Number.isInteger(v) && v > 0);
  return ok([], { kind: 'tail', log, lines: Math.min(n ?? 10, 5000) });
}

/** Command words → handler, merged into the command table by cli-commands.ts. */
export const INTERACTIVE_COMMANDS: ReadonlyArray<{ words: string[]; products?: string[]; run: (ctx: CliContext, args: string[]) => CliResult }> = [
  { words: ['utils', 'diagnose', 'test'], run: () => diagnoseTest() },
  { words: ['utils', 'dbreplication', 'status'], products: ['cucm', 'imp'], run: (c) => dbreplicationStatus(c) },
  { words: ['utils', 'network', 'connectivity'], products: ['cucm', 'imp'], run: (c) => networkConnectivity(c) },
  { words: ['utils', 'system', 'upgrade', 'initiate'], run: () => upgradeMenu() },
  { words: ['utils', 'core', 'active', 'list'], run: () => pausedForKey() },
  { words: ['set', 'password', 'user'], run: () => passwordPrompt('Please enter the old password: ') },
  { words: ['utils', 'cuc', 'reset', 'password'], products: ['cuc'], run: () => passwordPrompt('Enter password: ') },
  { words: ['show', 'tech', 'network', 'all'], run: (c) => showTechNetwork(c) },
  { words: ['file', 'view'], run: (_c, a) => fileView(a) },
  { words: ['file', 'tail'], run: (_c, a) => fileTail(a) },
];
