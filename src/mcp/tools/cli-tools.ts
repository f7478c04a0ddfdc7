/** @module cucm_cli, imp_cli, cuc_cli: one admin CLI command over SSH on a declared node. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoProduct } from '../../cisco/cisco-node.ts';
import { checkCliCommand } from '../../cisco/ssh/cli-command-check.ts';
import { promptAdvice } from '../../cisco/ssh/cli-output.ts';
import type { CliResult } from '../../cisco/ssh/cli-session.ts';
import type { FileWindow } from '../../cisco/ssh/file-window.ts';
import { MAX_WINDOW_LINES, checkFileWindow } from '../../cisco/ssh/file-window.ts';
import type { ToolContext } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoOutput, ciscoResult, defineTool, loginFor } from './tool-result.ts';
import { upstreamError } from '../../cisco/upstream-error.ts';

const LABEL: Record<CiscoProduct, string> = { cucm: 'CUCM', imp: 'IM&Presence', cuc: 'Unity Connection' };
const DEFAULT_VIEW_LINES = 200;
const TAIL_QUIET_MS = 2000;
const PROGRESS_EVERY_MS = 500;

const STOPPED: Record<string, string> = {
  idle_timeout: 'the node printed nothing for longer than the idle timeout (SERVER_<PRODUCT>_SSH_TIMEOUT)',
  max_duration: 'the command ran longer than its time cap (max_seconds, or SERVER_<PRODUCT>_SSH_MAX_DURATION)',
  output_limit: 'the output exceeded the 4 MiB limit',
  cancelled: 'the call was cancelled',
};

/** Streamed output as MCP progress: batched, at most every 500 ms, the line count as progress. */
function progressSink(ctx: ToolContext): { onLines(lines: string[]): void; flush(): Promise<void> } {
  let count = 0;
  let batch: string[] = [];
  let last = 0;
  let sending: Promise<void> = Promise.resolve();
  const send = (): void => {
    if (batch.length === 0) return;
    const text = batch.join('\n').slice(-4000);
    batch = [];
    last = Date.now();
    const n = count;
    sending = sending.then(() => ctx.progress(n, undefined, text)).catch(() => undefined);
  };
  return {
    onLines(lines) { count += lines.length; batch.push(...lines); if (Date.now() - last >= PROGRESS_EVERY_MS) send(); },
    async flush() { send(); await sending; },
  };
}

function resultFields(r: CliResult): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (r.stoppedBy) { f.stopped_by = r.stoppedBy; f.reason = STOPPED[r.stoppedBy]; f.session = 'the command was stopped with Ctrl-C; the CLI session stays usable'; }
  if (r.prompt) { f.prompt = r.prompt.text; f.prompt_kind = r.prompt.kind; f.hint = promptAdvice(r.prompt); }
  if (r.file) { f.total_lines = r.file.totalLines; f.first_line = r.file.firstLine; f.last_line = r.file.lastLine; }
  return f;
}

const EXAMPLE: Record<CiscoProduct, string> = { cucm: 'show status', imp: 'utils service list', cuc: 'show cuc version' };
const USE: Record<CiscoProduct, string> = {
  cucm: 'Use it for platform state: versions, status, services, NTP, replication, logs.',
  imp: 'Use it for IM&Presence platform state: "utils service list" (Cisco XCP Router, Presence Engine, SIP Proxy), "utils ha status" (presence redundancy), "utils dbreplication runtimestate", "utils ntp status", versions and logs.',
  cuc: 'Use it for Unity Connection platform state: "show cuc version", "show cuc cluster status", "utils service list", "utils ntp status", versions and logs.',
};

function cliTool(s: CiscoServices, product: CiscoProduct): ToolDefinition {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared node name (or a cluster name for its publisher)'),
    command: z.string().min(1).max(512).describe('One admin CLI command, e.g. "show status"'),
    max_seconds: z.number().int().min(1).max(86_400).optional().describe('Stop a long command after this many seconds (at most the configured cap) and return the lines received so far'),
    window: z.union([
      z.object({ first: z.number().int().min(1).max(MAX_WINDOW_LINES) }).strict(),
      z.object({ last: z.number().int().min(1).max(MAX_WINDOW_LINES) }).strict(),
      z.object({ from: z.number().int().min(1), to: z.number().int().min(1) }).strict(),
    ]).optional().describe(`file view only: which lines to return ({"first":N}, {"last":N} or {"from":A,"to":B}; default first ${DEFAULT_VIEW_LINES}; at most ${MAX_WINDOW_LINES})`),
  };
  return defineTool({
    name: `${product}_cli`, title: `${LABEL[product]} admin CLI`, product, protocol: 'ssh', rateCategory: 'ssh', inputSchema: shape,
    description: [
      `Run one platform admin CLI command on a declared ${LABEL[product]} node over SSH and get its output as text with an exit state (ok, error, declined, truncated).`,
      USE[product],
      'One line of printable ASCII; no ";", "|", backticks or "?" (use "help <command>"). Commands that stop at a prompt (confirmation, menu, password) are declined with the prompt text.',
      'Long commands stream their lines as progress notifications and stop at max_seconds with status "truncated" and the lines so far; "file view" returns a window of the file (see window) with total_lines.',
      `Your profile decides which commands (by leading words) you may run. Example: {"node":"<node>","command":"${EXAMPLE[product]}"}.`,
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }, effect: 'per-target',
    outputSchema: ciscoOutput({ node: z.string(), command: z.string(), status: z.string() }, z.string()),
    target: (a) => { s.registry.resolve(a.node, { products: [product], clusterToPublisher: true }); return { node: a.node, product, sshCommand: checkCliCommand(a.command) }; },
    async handler(a, ctx) {
      const command = checkCliCommand(a.command);
      const node = s.registry.resolve(a.node, { products: [product], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const set = s.cliSettings[product];
      const lower = command.toLowerCase();
      const isView = lower.startsWith('file view ');
      if (a.window && !isView) throw new AppError('E_INPUT_INVALID', '"window" applies to "file view" commands only', { hint: 'leave window out, or run "file view activelog <path>"' });
      const window: FileWindow | undefined = isView ? checkFileWindow(a.window ?? { first: DEFAULT_VIEW_LINES }) : undefined;
      const sink = isView ? undefined : progressSink(ctx);
      const r = await s.cli.run({
        client: ctx.principal.clientName, node: { name: node.name, host: node.host, port: node.sshPort }, login, command,
        term: set.term, cols: set.cols, rows: set.rows, loginTimeoutMs: set.loginTimeoutMs, idleMs: set.idleMs,
        maxMs: Math.min(set.maxMs, (a.max_seconds ?? Infinity) * 1000), signal: ctx.signal, onLines: sink?.onLines, window,
        followQuietMs: lower.startsWith('file tail ') ? TAIL_QUIET_MS : undefined,
      });
      await sink?.flush();
      if (r.status === 'error') {
        throw upstreamError('cli_error', `CLI command "${command}" failed on node "${node.name}": ${r.output.slice(-600)}`, { node: node.name, hint: 'check the command syntax in the Cisco CLI reference' });
      }
      return ciscoResult({ node: node.name, command, status: r.status, ...resultFields(r) }, r.output);
    },
  });
}

export function createCliTools(s: CiscoServices): ToolDefinition[] {
  return [cliTool(s, 'cucm'), cliTool(s, 'imp'), cliTool(s, 'cuc')];
}
