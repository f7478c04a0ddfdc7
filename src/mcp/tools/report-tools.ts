/**
 * @module report_write, reports_list, report_read, report_export_pdf: Markdown reports in the
 * caller's own `clients/<name>/reports/` folder, and their PDF export. The folder comes from the
 * verified principal, never from an argument; report names are bare file names (report-name.ts).
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../tool-definition.ts';
import type { ReportServices } from './report-services.ts';
import { defineTool } from './tool-result.ts';
import { checkReportName } from '../../reports/report-name.ts';
import { MAX_REPORT_BYTES } from '../../reports/report-store.ts';

const REPORT = z.string().min(1).max(130).describe('Report file name as reports_list shows it, e.g. "20261201-101500-cluster-health-lab-cucm.md"');
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const REPORT_REF = z.object({ name: z.string(), path: z.string() });

function structured(text: string, data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: data };
}

export function createReportTools(r: ReportServices): ToolDefinition[] {
  // effect 'read': reports are files of this server; nothing changes on a Cisco system.
  // The reports feature of the licence tiers (license/tiers.ts): enterprise.
  const common = { product: 'common' as const, protocol: 'report' as const, rateCategory: 'common' as const, effect: 'read' as const, feature: 'reports' };
  return [
    defineTool({
      ...common, name: 'report_write', title: 'Write a report',
      description: 'Save a Markdown report you composed (an audit, an inventory, a triage) in your own reports folder; it gets a new dated name and is never overwritten. Use headings, lists, pipe tables and fenced code; a "| Grade | Count |" table or PASS/WARN/FAIL/INFO/N/A cells feed the PDF chart. Export it with report_export_pdf.',
      inputSchema: { title: z.string().min(1).max(200).describe('Report title, e.g. "Dial-plan audit lab-cucm"'), markdown: z.string().min(1).max(MAX_REPORT_BYTES).describe('The report in Markdown') },
      outputSchema: { report: REPORT_REF, bytes: z.number().int(), sha256: z.string() },
      annotations: WRITE, target: () => ({}),
      async handler(a, ctx) {
        const body = /^#\s/.test(a.markdown) ? a.markdown : `# ${a.title.replace(/[\r\n]+/g, ' ')}\n\n${a.markdown}`;
        const w = await r.store.write(ctx.principal.clientName, a.title, body, 'agent');
        return structured(`Report written: ${w.name} (${w.bytes} bytes) in ${w.path}`, { report: { name: w.name, path: w.path }, bytes: w.bytes, sha256: w.sha256 });
      },
    }),
    defineTool({
      ...common, name: 'reports_list', title: 'List my reports',
      description: 'List the reports in your own reports folder, newest first: name, title, size, time, and the PDF if one was exported. Takes no arguments.',
      inputSchema: {}, outputSchema: { reports: z.array(z.object({ name: z.string(), title: z.string(), bytes: z.number().int(), modified: z.string(), pdf: z.string().optional() })) }, annotations: READ, target: () => ({}),
      async handler(_a, ctx) {
        const reports = await r.store.list(ctx.principal.clientName);
        const text = reports.length ? reports.map((x) => `${x.name}  ${x.title}${x.pdf ? `  [pdf: ${x.pdf}]` : ''}`).join('\n') : 'No reports yet; run a health check or report_write';
        return structured(text, { reports });
      },
    }),
    defineTool({
      ...common, name: 'report_read', title: 'Read a report',
      description: 'Read one of your reports as Markdown. Example: {"report":"20261201-101500-cluster-health-lab-cucm.md"}.',
      inputSchema: { report: REPORT }, outputSchema: { report: REPORT_REF, bytes: z.number().int() }, annotations: READ, target: (a) => { checkReportName(a.report); return {}; },
      async handler(a, ctx) {
        const { name, markdown } = await r.store.read(ctx.principal.clientName, a.report);
        return structured(markdown, { report: { name, path: r.store.displayPath(ctx.principal.clientName, name) }, bytes: Buffer.byteLength(markdown) });
      },
    }),
    defineTool({
      ...common, name: 'report_export_pdf', title: 'Export a report to PDF',
      description: 'Render one of your Markdown reports to a PDF beside it: title page with your logo (clients/<name>/custom/logo.png) and a chart of the grades, then the tables and text, with page numbers. Replaces an earlier export of the same report. Example: {"report":"20261201-101500-cluster-health-lab-cucm.md"}.',
      inputSchema: { report: REPORT },
      outputSchema: { report: REPORT_REF, pdf: z.object({ name: z.string(), path: z.string(), pages: z.number().int(), bytes: z.number().int(), sha256: z.string() }), logo: z.string() },
      annotations: { ...WRITE, idempotentHint: true }, target: (a) => { checkReportName(a.report); return {}; },
      async handler(a, ctx) {
        const client = ctx.principal.clientName;
        const out = await r.exportPdf(client, a.report);
        return structured(`PDF written: ${out.pdf.name} (${out.pages} pages, ${out.pdf.bytes} bytes) in ${out.pdf.path}; logo ${out.logo}`, {
          report: { name: checkReportName(a.report), path: r.store.displayPath(client, checkReportName(a.report)) },
          pdf: { name: out.pdf.name, path: out.pdf.path, pages: out.pages, bytes: out.pdf.bytes, sha256: out.pdf.sha256 }, logo: out.logo,
        });
      },
    }),
  ];
}
