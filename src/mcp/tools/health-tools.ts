/**
 * @module cucm_health_check, imp_health_check, cuc_health_check: one call that fans out over every
 * node of a cluster (health/health-engine.ts), answers with the Markdown report as text and the
 * same data as structuredContent, and stores the report (WRITTEN). Each Cisco step is held to
 * the caller's profile: a CLI command or RIS query the profile does not allow is graded N/A, not
 * run. The call counts once against the "common" (report) rate limit.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoProduct } from '../../cisco/cisco-node.ts';
import { productLabel } from '../../cisco/cisco-node.ts';
import { AppError } from '../../lib/errors.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import { decide } from '../../rbac/decide.ts';
import type { CiscoServices } from './cisco-services.ts';
import type { ReportServices } from './report-services.ts';
import { defineTool, loginFor } from './tool-result.ts';
import { collectRisDevices } from '../../cisco/ris/ris-split.ts';
import type { DeviceLite } from '../../health/grade-checks.ts';
import { CHECK_NAMES } from '../../health/grade-checks.ts';
import { GRADES } from '../../reports/grades.ts';
import type { HealthNode, HealthProbes } from '../../health/health-engine.ts';
import type { ServiceState } from '../../health/cli-parsers.ts';
import { checksFor, runHealthCheck } from '../../health/health-engine.ts';
import { countGradesOf, renderHealthMarkdown } from '../../health/health-markdown.ts';
import type { NodeVersions } from '../../health/node-versions.ts';

export interface ProfileLookup { get(name: string): Profile | undefined }

/** RIS requests one health check may make for the registration census (each reads up to 1000 device items). */
const MAX_RIS_REQUESTS = 12;

function risDevices(s: CiscoServices, client: string, cluster: string): (signal: AbortSignal) => Promise<{ devices: DeviceLite[]; requests: number }> {
  return async (signal) => {
    const node = s.registry.resolve(cluster, { products: ['cucm'], clusterToPublisher: true });
    const login = await loginFor(s, client, node);
    // Every phone, read in name ranges when the cluster has more than one RIS answer of them.
    const r = await collectRisDevices((query) => s.ris.select({ node, login, signal, query }),
      { items: ['*'], selectBy: 'Name', deviceClass: 'Phone', status: 'Any', model: 255 }, { want: 0, maxRequests: MAX_RIS_REQUESTS, signal });
    return { devices: r.read.map((d) => ({ cmNode: d.cmNode, status: d.status, model: d.model })), requests: r.requests };
  };
}

/** Service states from Control Center (soapGetServiceStatus, every service) in the engine's form. */
function controlCenter(s: CiscoServices, client: string): (node: HealthNode, signal: AbortSignal) => Promise<ServiceState[]> {
  return async (node, signal) => {
    const cn = s.registry.get(node.name)!;
    const login = await loginFor(s, client, cn);
    const a = await s.serviceability.serviceStatus(cn, login, [], signal);
    return a.services.map((x) => ({
      name: x.name, state: x.status === 'Started' ? 'started' : x.status === 'Stopped' ? 'stopped' : 'other', activated: x.activated,
      line: `${x.name} [${x.status}]${x.reason ? ` ${x.reason}` : ''}`,
    }));
  };
}

export interface HealthDeps { profiles: ProfileLookup; versions?: NodeVersions }

/**
 * One health check per client and cluster at a time: a check already fans out over every node,
 * so a second one in parallel would only double the load on the same nodes.
 */
const inFlight = new Set<string>();

function healthTool(s: CiscoServices, reports: ReportServices, deps: HealthDeps, product: CiscoProduct): ToolDefinition {
  const { profiles } = deps;
  const label = productLabel(product);
  const applicable = checksFor(product);
  const shape = {
    cluster: z.string().min(1).max(64).describe(`Declared ${label} cluster name (a node name means its cluster)`),
    checks: z.array(z.enum(CHECK_NAMES)).max(CHECK_NAMES.length).optional().describe(`Subset of checks; default all that apply to ${label}: ${applicable.join(', ')}`),
  };
  const clusterOf = (name: string): string => {
    if (s.registry.isCluster(name) && s.registry.nodes.some((n) => n.cluster === name && n.product === product)) return name;
    return s.registry.resolve(name, { products: [product], clusterToPublisher: true }).cluster;
  };
  return defineTool({
    name: `${product}_health_check`, title: `${label} cluster health check`, product, protocol: 'report', rateCategory: 'common', inputSchema: shape,
    description: [
      `Check the health of a whole ${label} cluster in one call: every node in parallel, each check graded PASS / WARN / FAIL / INFO / N/A with the evidence it was judged on`,
      `(${applicable.join(', ')}). A node that does not answer is FAIL with the error; the other nodes are still checked.`,
      'Answers with the Markdown report (summary of counts per grade, then one row per check) and the same data as structuredContent, and saves the report in your reports folder (export it with report_export_pdf).',
      'Steps your profile does not allow are N/A. Example: {"cluster":"<cluster>"}.',
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    // Reads the nodes; the only thing written is the report in the caller's own folder.
    effect: 'read', feature: 'reports',
    outputSchema: {
      report: z.object({ name: z.string(), path: z.string() }), cluster: z.string(), product: z.string(),
      summary: z.object(Object.fromEntries(GRADES.map((g) => [g, z.number().int()]))).describe('Count of results per grade'),
      checks: z.array(z.object({ grade: z.enum(GRADES), check: z.string(), node: z.string(), evidence: z.string() })),
      cisco_requests: z.number().int(), duration_ms: z.number(),
    },
    target: (a) => ({ node: clusterOf(a.cluster), product }),
    async handler(a, ctx) {
      const client = ctx.principal.clientName;
      const cluster = clusterOf(a.cluster);
      const declared = s.registry.nodes.filter((n) => n.cluster === cluster && n.product === product);
      if (declared.length === 0) throw new AppError('E_NOT_FOUND', `Cluster "${cluster}" has no ${label} nodes`, { hint: 'call aibridge_whoami or read the inventory resource' });
      const nodes: HealthNode[] = declared.map((n) => ({ name: n.name, product, role: n.role }));
      const profile = profiles.get(ctx.principal.profile);
      const may = (protocol: 'ssh' | 'ris' | 'serviceability', target: Record<string, unknown>): boolean => profile !== undefined && decide(profile, { name: `${product}_${protocol}`, product, protocol }, { product, ...target }).allowed;
      const set = s.cliSettings[product];
      const probes: HealthProbes = {
        cliAllowed: (command) => may('ssh', { sshCommand: command }),
        async cli(node, command, signal) {
          const cn = s.registry.get(node.name)!;
          const login = await loginFor(s, client, cn);
          const r = await s.cli.run({
            client, node: { name: cn.name, host: cn.host, port: cn.sshPort }, login, command,
            term: set.term, cols: set.cols, rows: set.rows, loginTimeoutMs: set.loginTimeoutMs, idleMs: set.idleMs, maxMs: set.maxMs, signal,
          });
          return { ok: r.status !== 'error', output: r.output };
        },
        ...(product === 'cucm' && may('ris', { risDeviceClasses: ['Phone'], risStatuses: ['Any'] }) ? { registration: risDevices(s, client, cluster) } : {}),
        // Control Center (serviceability SOAP) when the profile allows it; else `utils service list`.
        ...(product === 'cucm' && may('serviceability', { serviceabilityApi: 'status' }) ? { services: controlCenter(s, client) } : {}),
      };
      const key = `${client}\u0000${cluster}`;
      if (inFlight.has(key)) throw new AppError('E_RATE_LIMITED', `A health check of "${cluster}" for client "${client}" is already running`, { hint: 'wait for it to finish; its report will be in reports_list' });
      inFlight.add(key);
      const generatedAt = new Date();
      const outcome = await runHealthCheck({ product, cluster, nodes, ...(a.checks ? { checks: a.checks } : {}), probes, stepTimeoutMs: set.loginTimeoutMs + Math.min(set.maxMs, 60_000), concurrency: 4, signal: ctx.signal })
        .finally(() => inFlight.delete(key));
      for (const [node, version] of Object.entries(outcome.versions)) deps.versions?.record(node, version);
      const title = `Cluster health: ${cluster}`;
      const markdown = renderHealthMarkdown({ title, cluster, product, client, nodes, checks: outcome.checks, requests: outcome.requests, durationMs: outcome.durationMs, generatedAt });
      const written = await reports.store.write(client, title, markdown, `${product}_health_check`);
      const summary = countGradesOf(outcome.checks);
      return {
        content: [{ type: 'text', text: markdown }],
        structuredContent: { report: { name: written.name, path: written.path }, cluster, product, summary, checks: outcome.checks, cisco_requests: outcome.requests, duration_ms: outcome.durationMs },
      };
    },
  });
}

export function createHealthTools(s: CiscoServices, reports: ReportServices, deps: HealthDeps): ToolDefinition[] {
  return [healthTool(s, reports, deps, 'cucm'), healthTool(s, reports, deps, 'imp'), healthTool(s, reports, deps, 'cuc')];
}
