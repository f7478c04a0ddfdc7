/**
 * @module DIME log collection: cucm_log_services (listNodeServiceLogs), cucm_log_find
 * (selectLogFiles on a node or every CUCM node of a cluster, with presets) and cucm_log_get
 * (GetOneFile streamed to clients/<name>/downloads/, text inline or a resource link).
 */
import { z } from 'zod';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { AppError } from '../../lib/errors.ts';
import { LOG_PRESETS, checkServiceNames, zoneOffsetMinutes } from '../../cisco/serviceability/log-collection.ts';
import { LOG_FILE_OUT, NODE_FAILURE_OUT, ReportedLogFiles, checkLogFileName, cucmNodesOf, isSafeReportedFile, fanOut, loose, svcOutput, svcResult, timeWindow } from './serviceability-common.ts';
import { NODE_OR_CLUSTER, SERVICE_NAMES } from './service-tools.ts';

/** Text files up to this size come back inline; larger or binary ones as a resource link. */
const INLINE_MAX = 1024 * 1024;
const SYSTEM_LOG_PRESETS: Record<string, string[]> = { syslog: ['Syslog'] };

export function createLogTools(s: CiscoServices, reported = new ReportedLogFiles()): ToolDefinition[] {
  const target = (a: { node: string }) => ({ node: a.node, product: 'cucm' as const, serviceabilityApi: 'logs' as const });
  const services = defineTool({
    name: 'cucm_log_services', title: 'CUCM trace and log names (DIME)', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.logs',
    inputSchema: { node: z.string().min(1).max(64).describe('Declared CUCM node or cluster name (a cluster asks its publisher, which answers for every node)') },
    description: 'List the service trace names and system log names each node of the cluster can deliver (Log Collection listNodeServiceLogs). Use the names with cucm_log_find. Example: {"node":"cluster1"}.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({ node: z.string(), presets: z.record(z.string(), z.array(z.string())), nodes: z.array(loose({ node: z.string(), services: z.array(z.string()), system_logs: z.array(z.string()) })) }),
    requires: { product: 'cucm', serviceabilityApi: 'logs' },
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true }); return target(a); },
    async handler(a, ctx) {
      const node = s.registry.resolve(a.node, { products: ['cucm'], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const list = await s.serviceability.listNodeServiceLogs(node, login, ctx.signal);
      return svcResult({ node: node.name, presets: { ...Object.fromEntries(Object.entries(LOG_PRESETS).map(([k, v]) => [k, [...v]])), ...SYSTEM_LOG_PRESETS }, nodes: list.map((n) => ({ node: n.node, services: n.services, system_logs: n.systemLogs })) });
    },
  });

  const findShape = {
    node: NODE_OR_CLUSTER,
    services: SERVICE_NAMES.optional().describe('Service trace names as cucm_log_services lists them, e.g. ["Cisco CallManager"]'),
    system_logs: z.array(z.string().min(1).max(100)).max(20).optional().describe('System log names, e.g. ["Syslog"]'),
    preset: z.enum(['sip', 'cti', 'syslog', 'curri']).optional().describe('sip = CallManager + CTIManager SDL/SDI traces; cti = CTIManager; syslog = system log; curri = CallManager (External Call Control) traces'),
    from: z.string().max(40).optional().describe('ISO 8601 start, e.g. 2026-12-01T10:00:00Z'),
    to: z.string().max(40).optional().describe('ISO 8601 end (default now)'),
    last_minutes: z.number().int().min(1).max(10_080).optional().describe('Instead of from/to: the last N minutes (default 60)'),
    timezone: z.string().min(1).max(64).default('UTC').describe('IANA zone the node should read the dates in (sent as Cisco\'s TimeZone string)'),
    max_files: z.number().int().min(1).max(1000).default(200).describe('Most files per node to return'),
  };
  const find = defineTool({
    name: 'cucm_log_find', title: 'Find CUCM trace and log files (DIME)', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.logs', inputSchema: findShape,
    description: [
      'Find trace and log files on a CUCM node, or on every CUCM node of a cluster, modified in a time window (Log Collection selectLogFiles).',
      'Name services (cucm_log_services lists them) or use a preset: sip (Cisco CallManager + Cisco CTIManager SDL/SDI traces: SIP messages, digit analysis), cti, syslog, curri.',
      'Returns per node the files with name, absolute path, size and modification time, newest first; a node that fails is named with its error while the others answer. Then download one with cucm_log_get.',
      'Example: {"node":"cluster1","preset":"sip","last_minutes":30}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({
      from: z.string(), to: z.string(), services: z.array(z.string()), system_logs: z.array(z.string()),
      files: z.array(LOG_FILE_OUT).describe('every node\'s files, newest first per node'),
      nodes: z.array(loose({ node: z.string(), ok: z.boolean(), truncated: z.boolean().optional(), error: NODE_FAILURE_OUT.optional(), files: z.array(LOG_FILE_OUT) })),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'logs' },
    target: (a) => { cucmNodesOf(s, a.node); checkServiceNames([...(a.services ?? []), ...(a.system_logs ?? [])]); zoneOffsetMinutes(a.timezone, new Date()); return target(a); },
    async handler(a, ctx) {
      const nodes = cucmNodesOf(s, a.node);
      const svc = [...new Set([...(a.services ?? []), ...(a.preset ? LOG_PRESETS[a.preset] ?? [] : [])])].filter((x) => !(a.preset === 'syslog' && x === 'Cisco Syslog Agent'));
      const sys = [...new Set([...(a.system_logs ?? []), ...(a.preset ? SYSTEM_LOG_PRESETS[a.preset] ?? [] : [])])];
      if (svc.length === 0 && sys.length === 0) throw new AppError('E_INPUT_INVALID', 'Name services, system_logs or a preset', { hint: 'e.g. {"preset":"sip"} or {"services":["Cisco CallManager"]}; cucm_log_services lists the names' });
      const win = timeWindow(a, 60, 7 * 86_400_000);
      const results = await fanOut(nodes, async (n) => {
        const login = await loginFor(s, ctx.principal.clientName, n);
        const r = await s.serviceability.selectLogFiles(n, login, { services: svc, systemLogs: sys, from: win.from, to: win.to, zone: a.timezone }, a.max_files, ctx.signal);
        // Only files cucm_log_get could fetch are listed (a file failing the path rule is left out).
        const files = r.files.filter(isSafeReportedFile);
        reported.remember(ctx.principal.clientName, n.name, files);
        return { ...r, files: [...files].sort((x, y) => Date.parse(y.modified) - Date.parse(x.modified) || (x.path < y.path ? 1 : -1)) };
      });
      const perNode = results.map((r) => (r.ok ? { node: r.node, ok: true, truncated: r.value.truncated, files: r.value.files.map((f) => ({ node: r.node, ...f })) } : { node: r.node, ok: false, error: r.error, files: [] }));
      return svcResult({ from: win.from.toISOString(), to: win.to.toISOString(), services: svc, system_logs: sys, files: perNode.flatMap((n) => n.files), nodes: perNode });
    },
  });

  const get = defineTool({
    name: 'cucm_log_get', title: 'Download a CUCM trace or log file (DIME)', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.logs',
    inputSchema: {
      node: z.string().min(1).max(64).describe('Declared CUCM node name (the node cucm_log_find reported the file on)'),
      file: z.string().min(1).max(512).describe('File name or absolute path exactly as cucm_log_find reported it'),
    },
    description: [
      'Download one trace or log file from a CUCM node (DIME GetOneFile) that cucm_log_find reported in the last two hours; nothing else on the node can be read.',
      'Text files up to 1 MiB come back as text; larger or binary (.gz) files are kept on the aibridge host under the client\'s downloads folder and returned as a resource link with their size.',
      `Files above the download cap (SERVER_CUCM_DIME_MAX_DOWNLOAD_MB) are refused. Sends progress while it downloads. Example: {"node":"cucm-pub","file":"SDL001_100_000012.txt"}.`,
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({ node: z.string(), file: z.string(), bytes: z.number(), kept_at: z.string(), binary: z.boolean(), inline: z.boolean(), preview: z.string().optional() }),
    requires: { product: 'cucm', serviceabilityApi: 'logs' },
    target: (a) => { s.registry.resolve(a.node, { products: ['cucm'] }); checkLogFileName(a.file); return target(a); },
    async handler(a, ctx) {
      const node = s.registry.resolve(a.node, { products: ['cucm'] });
      checkLogFileName(a.file);
      const f = reported.find(ctx.principal.clientName, node.name, a.file);
      if (!f) throw new AppError('E_FORBIDDEN', `Refused: "${a.file.slice(0, 120)}" is not a file cucm_log_find reported on node "${node.name}" in the last two hours`, { hint: 'run cucm_log_find for that node first, then pass the name or absolutepath it reported' });
      if (f.size > s.maxDownloadBytes) throw new AppError('E_INPUT_INVALID', `File "${f.name}" is ${f.size} bytes, above the download cap of ${s.maxDownloadBytes} bytes`, { hint: 'pick a smaller file, or raise SERVER_CUCM_DIME_MAX_DOWNLOAD_MB in .env' });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const dest = join(s.downloadsDir(ctx.principal.clientName), node.name, basename(f.path));
      // About twenty progress notifications per file (at least 1 MiB apart): each one is a validated
      // SSE write, and one per MiB cost a 200 MiB download a quarter of a CPU second.
      const step = Math.max(1024 * 1024, Math.ceil(f.size / 20));
      let next = 0;
      const dl = await s.serviceability.getOneFile(node, login, f.path, {
        dest, maxBytes: s.maxDownloadBytes, signal: ctx.signal,
        onProgress: (bytes) => { if (bytes >= next) { next = bytes + step; void ctx.progress(bytes, f.size || undefined, `${f.name}: ${bytes} bytes`); } },
      });
      await ctx.progress(dl.bytes, dl.bytes, `${f.name}: done`);
      return fileResult(node.name, f.path, dl);
    },
  });
  return [services, find, get];
}

async function fileResult(node: string, path: string, dl: { path: string; bytes: number; contentType: string }): Promise<CallToolResult> {
  const fh = await open(dl.path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(dl.bytes, INLINE_MAX));
    await fh.read(head, 0, head.length, 0);
  } finally { await fh.close(); }
  const binary = /\.(gz|zip|tar|tgz|cap|pcap)$/i.test(path) || head.subarray(0, 8192).includes(0);
  const meta = { node, file: path, bytes: dl.bytes, kept_at: dl.path, binary };
  if (!binary && dl.bytes <= INLINE_MAX) {
    const r = svcResult({ ...meta, inline: true });
    r.content.push({ type: 'text', text: head.toString('utf8') });
    return r;
  }
  const r = svcResult({ ...meta, inline: false, ...(binary ? {} : { preview: head.subarray(0, 16 * 1024).toString('utf8') }) });
  r.content.push({ type: 'resource_link', uri: `file://${dl.path}`, name: basename(path), mimeType: binary ? 'application/octet-stream' : 'text/plain', description: `${dl.bytes} bytes from ${node}:${path}, kept on the aibridge host` });
  return r;
}
