/**
 * @module CDR on demand: cucm_cdr_list (get_file_list, at most an hour per request) and
 * cucm_cdr_get (the file through DIME GetOneFile from the CDR repository, parsed into calls with
 * Q.850 cause meanings and MOS from the CMR file of the same minute).
 */
import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoNode } from '../../cisco/cisco-node.ts';
import { CDR_MAX_SPAN_MS, cdrFilePath } from '../../cisco/serviceability/cdr-on-demand.ts';
import { callRecords, parseCdrFile } from '../../cisco/serviceability/cdr-parse.ts';
import type { CdrFile } from '../../cisco/serviceability/cdr-parse.ts';
import { loose, svcOutput, svcResult, timeWindow } from './serviceability-common.ts';

const CDR_FILE_MAX = 64 * 1024 * 1024;

export function createCdrTools(s: CiscoServices): ToolDefinition[] {
  // The CDR Repository Manager runs on the publisher: a cluster name or any of its nodes asks there.
  const publisher = (name: string): CiscoNode => {
    const n = s.registry.resolve(name, { products: ['cucm'], clusterToPublisher: true });
    return n.role === 'publisher' ? n : s.registry.publisherOf(n.cluster) ?? n;
  };
  const target = (a: { node: string }) => ({ node: a.node, product: 'cucm' as const, serviceabilityApi: 'cdr' as const });
  const list = defineTool({
    name: 'cucm_cdr_list', title: 'List CUCM CDR/CMR files', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.cdr',
    inputSchema: {
      node: z.string().min(1).max(64).describe('Declared CUCM cluster or node name (the cluster\'s publisher holds the CDR repository)'),
      from: z.string().max(40).optional().describe('ISO 8601 start'), to: z.string().max(40).optional().describe('ISO 8601 end (default now)'),
      last_minutes: z.number().int().min(1).max(60).optional().describe('Instead of from/to: the last N minutes (default 60; CUCM answers at most one hour per request)'),
    },
    description: 'List the CDR and CMR files the cluster\'s CDR repository wrote in a window of at most one hour (CDRonDemand get_file_list), CDR files first. Then read one with cucm_cdr_get. Example: {"node":"cluster1","last_minutes":30}.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({ node: z.string(), from: z.string(), to: z.string(), fetched_with: z.string(), files: z.array(loose({ name: z.string(), kind: z.enum(['cdr', 'cmr']) })) }),
    requires: { product: 'cucm', serviceabilityApi: 'cdr' },
    target: (a) => { publisher(a.node); timeWindow(a, 60, CDR_MAX_SPAN_MS); return target(a); },
    async handler(a, ctx) {
      const node = publisher(a.node);
      const win = timeWindow(a, 60, CDR_MAX_SPAN_MS);
      const login = await loginFor(s, ctx.principal.clientName, node);
      const names = await s.serviceability.cdrFileList(node, login, win.from, win.to, ctx.signal);
      const files = names.map((name) => ({ name, kind: name.startsWith('cmr_') ? 'cmr' : 'cdr' })).sort((x, y) => (x.kind === y.kind ? (x.name < y.name ? -1 : 1) : x.kind === 'cdr' ? -1 : 1));
      return svcResult({ node: node.name, from: win.from.toISOString(), to: win.to.toISOString(), fetched_with: 'DIME GetOneFile (cucm_cdr_get)', files });
    },
  });
  const get = defineTool({
    name: 'cucm_cdr_get', title: 'Read a CUCM CDR/CMR file as calls', product: 'cucm', protocol: 'serviceability', feature: 'serviceability', rateCategory: 'serviceability.cdr',
    inputSchema: {
      node: z.string().min(1).max(64).describe('Declared CUCM cluster or node name'),
      file: z.string().min(1).max(128).describe('A file name cucm_cdr_list reported, e.g. cdr_Cluster1_01_202612011005_12'),
      max_records: z.number().int().min(1).max(5000).default(1000),
    },
    description: [
      'Read one CDR (or CMR) file from the CDR repository, parsed into named fields: callingPartyNumber, originalCalledPartyNumber, finalCalledPartyNumber, dateTimeOrigination/Connect/Disconnect as ISO times, duration, origCause_value / destCause_value with their Q.850 meaning, and MOS per leg from the CMR file of the same minute where present.',
      'The file is fetched with DIME GetOneFile over the same HTTPS connection as every other call (CDRonDemand get_file would need an SFTP server on the aibridge host that the node connects to). Example: {"node":"cluster1","file":"cdr_Cluster1_01_202612011005_12"}.',
    ].join(' '),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }, effect: 'read',
    outputSchema: svcOutput({
      node: z.string(), file: z.string(), kind: z.enum(['cdr', 'cmr']), truncated: z.boolean(), cmr: z.string().optional(),
      calls: z.array(loose({
        globalCallId: z.number().nullable(), callingPartyNumber: z.string(), originalCalledPartyNumber: z.string(), finalCalledPartyNumber: z.string(),
        dateTimeOrigination: z.string().nullable(), dateTimeConnect: z.string().nullable(), dateTimeDisconnect: z.string().nullable(), duration: z.number().nullable(),
        origCause_value: z.number().nullable(), origCause_meaning: z.string(), destCause_value: z.number().nullable(), destCause_meaning: z.string(),
        mos: z.array(loose({ device: z.string(), mos: z.number() })).optional(),
      })).optional(),
      records: z.array(z.record(z.string(), z.unknown())).optional().describe('CMR files: the records with every field'),
    }),
    requires: { product: 'cucm', serviceabilityApi: 'cdr' },
    target: (a) => { publisher(a.node); cdrFilePath(a.file); return target(a); },
    async handler(a, ctx) {
      const node = publisher(a.node);
      const login = await loginFor(s, ctx.principal.clientName, node);
      const fetch = async (name: string): Promise<CdrFile> => {
        const dest = join(s.downloadsDir(ctx.principal.clientName), node.name, 'cdr', name);
        const dl = await s.serviceability.getOneFile(node, login, cdrFilePath(name), { dest, maxBytes: Math.min(CDR_FILE_MAX, s.maxDownloadBytes), signal: ctx.signal });
        return parseCdrFile(await readFile(dl.path, 'utf8'), a.max_records);
      };
      const file = await fetch(a.file);
      if (file.kind === 'cmr') return svcResult({ node: node.name, file: a.file, kind: 'cmr', truncated: file.truncated, records: file.records });
      let cmr: CdrFile | undefined;
      let cmrNote: string | undefined;
      try { cmr = await fetch(a.file.replace(/^cdr_/, 'cmr_')); } catch (err) { cmrNote = `no CMR file for this minute (${err instanceof AppError ? err.message.slice(0, 160) : 'unreadable'})`; }
      const calls = callRecords(file, cmr);
      return svcResult({ node: node.name, file: a.file, kind: 'cdr', truncated: file.truncated, ...(cmrNote ? { cmr: cmrNote } : {}), calls });
    },
  });
  return [list, get];
}
