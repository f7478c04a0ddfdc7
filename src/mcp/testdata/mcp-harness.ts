/**
 * In-process MCP endpoint for tests: the real app, route, registry, profiles and audit log, with
 * fake tools (they record calls instead of contacting Cisco) and a test bearer middleware.
 */
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MiddlewareHandler } from 'hono';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildApp } from '../../http/build-app.ts';
import type { AppEnv } from '../../http/app-env.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createNullLogger, type Logger } from '../../log/logger.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../../auth/principal.ts';
import { ProfileStore } from '../../rbac/profile-store.ts';
import { syncDefaultProfiles } from '../../rbac/sync-default-profiles.ts';
import { AibridgeMetrics } from '../../metrics/aibridge-metrics.ts';
import { ToolPipeline } from '../pipeline/tool-pipeline.ts';
import { ToolSet } from '../pipeline/tool-set.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { createIntrospectionTools } from '../introspection-tools.ts';
import { SessionStore } from '../session-store.ts';
import { startSessionNotices } from '../session-notices.ts';
import { createLocalNoticeBus } from '../../state/notice-bus.ts';
import type { DeliveredNotice, SharedState } from '../../state/shared-state.ts';
import type { SessionLimits } from '../session-store.ts';
import { requireBearer } from '../mcp-route.ts';
import { countAuthFailures } from '../count-auth-failures.ts';
import type { StatusReport } from '../../http/status-route.ts';
import { licenseReport } from '../../license/license-report.ts';
import type { LicenseGate } from '../../license/license-gate.ts';
import { applyLicense } from '../licensed-tool-set.ts';

export const HOST = 'localhost:8443';

export const CLIENTS: Record<string, string> = { alice: 'admin', olga: 'operator', aud: 'auditor', carol: 'custom', nobody: 'missing' };

export const CUSTOM_PROFILE = {
  description: 'read-only CUCM', product_scope: ['cucm'],
  cucm: { axl: { rate_limit: 10, allowed_prefixes: ['get', 'list'] } },
  common: { report: { rate_limit: 3 } },
};

export interface Harness {
  dir: string;
  app: ReturnType<typeof buildApp>;
  pipeline: ToolPipeline;
  profiles: ProfileStore;
  sessions: SessionStore;
  metrics: AibridgeMetrics;
  /** Calls the fake tools received: `tool client arg`. */
  calls: string[];
  /** Notices this instance handed to its sessions, with how many sessions got each. */
  delivered: Array<{ notice: DeliveredNotice; sessions: number }>;
  /** Make the next audit appends of this event throw E_AUDIT_WRITE. */
  failAudit: { event?: string };
  auditText(): string;
  fetch(url: string | URL, init?: RequestInit, peer?: string): Promise<Response>;
  connect(token: string | undefined): Promise<Client>;
}

function principal(name: string): Principal {
  return { clientName: name, subject: `sub-${name}`, profile: CLIENTS[name]!, authMethod: 'jwt', tokenId: `jti-${name}`, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

/** Test bearer: "Bearer <client name>" for a known client, else 401. */
/** The METRICS_TOKEN_FILE content the harness configures. */
export const METRICS_TEST_TOKEN = 'metrics-test-token-0123456789abcdef0123';

export const TEST_AUTH: MiddlewareHandler<AppEnv> = async (c, next) => {
  const m = /^Bearer (\w+)$/.exec(c.req.header('authorization') ?? '');
  if (!m || !CLIENTS[m[1]!]) { c.header('WWW-Authenticate', 'Bearer'); return c.json({ error: 'unauthorized' }, 401); }
  c.set('principal', principal(m[1]!));
  return next();
};

const OUT = { text: z.string() };
/** A fake tool's result: the text, also as structuredContent (every tool returns both). */
function out(text: string) {
  return { content: [{ type: 'text' as const, text }], structuredContent: { text } };
}

function fakeTools(calls: string[]): ToolDefinition[] {
  const node = z.string().min(1).max(64).describe('node name');
  const axl: ToolDefinition = {
    name: 'cucm_axl_request', title: 'AXL', description: 'fake AXL', product: 'cucm', protocol: 'axl', rateCategory: 'axl',
    inputSchema: { node, operation: z.string().min(1).describe('AXL operation'), args: z.record(z.string(), z.unknown()).default({}) },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false }, effect: 'per-target', outputSchema: OUT,
    target: (a) => ({ node: a.node as string, axlOperation: a.operation as string }),
    async handler(a, ctx) { calls.push(`cucm_axl_request ${ctx.principal.clientName} ${a.operation as string}`); return out(`ran ${a.operation as string} for ${ctx.principal.clientName}`); },
  };
  const sqlUpdate: ToolDefinition = {
    name: 'cucm_sql_update', title: 'SQL update', description: 'fake SQL update', product: 'cucm', protocol: 'axl', rateCategory: 'axl',
    inputSchema: { node, sql: z.string().min(1) }, requires: { product: 'cucm', axlOperation: 'executeSQLUpdate' },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false }, effect: 'write', outputSchema: OUT,
    target: (a) => ({ node: a.node as string, axlOperation: 'executeSQLUpdate' }),
    async handler(a, ctx) { calls.push(`cucm_sql_update ${ctx.principal.clientName} ${a.sql as string}`); return out('updated'); },
  };
  const cli: ToolDefinition = {
    name: 'cucm_cli', title: 'CLI', description: 'fake CLI', product: 'cucm', protocol: 'ssh', rateCategory: 'ssh',
    inputSchema: { node, command: z.string().min(1).max(512) },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false }, effect: 'per-target', outputSchema: OUT,
    target: (a) => {
      if ((a.command as string).includes(';')) throw new AppError('E_INPUT_INVALID', 'Refusing CLI command: the character ";" is not allowed');
      return { node: a.node as string, sshCommand: a.command as string };
    },
    async handler(a, ctx) { calls.push(`cucm_cli ${ctx.principal.clientName} ${a.command as string}`); return out('output'); },
  };
  const slow: ToolDefinition = {
    name: 'cucm_slow_report', title: 'Slow', description: 'fake long-running read that reports progress', product: 'cucm', protocol: 'report', rateCategory: 'common',
    inputSchema: { steps: z.number().int().min(1).max(50), tag: z.string().max(40).default('') },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true }, effect: 'read', outputSchema: OUT,
    target: () => ({}),
    async handler(a, ctx) {
      for (let i = 1; i <= (a.steps as number); i++) {
        if (ctx.signal.aborted) { calls.push(`cucm_slow_report ${ctx.principal.clientName} aborted`); throw Object.assign(new Error('aborted'), { name: 'AbortError' }); }
        await new Promise((r) => setTimeout(r, 20));
        await ctx.progress(i, a.steps as number, `step ${i}`);
      }
      calls.push(`cucm_slow_report ${ctx.principal.clientName} ${a.tag as string}`);
      return out(`${ctx.principal.clientName}:${a.tag as string}`);
    },
  };
  const boom: ToolDefinition = {
    name: 'cucm_boom', title: 'Boom', description: 'fake tool that fails', product: 'cucm', protocol: 'axl', rateCategory: 'axl',
    inputSchema: {}, annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true }, effect: 'read', outputSchema: OUT,
    target: () => ({}),
    async handler() { throw new Error('internal detail at /srv/secret/path.ts:12 password=hunter2'); },
  };
  return [axl, sqlUpdate, cli, slow, boom];
}

/** A /status body for the harness (no licence, watchdogs or Fail2Ban here). */
function statusFixture(audit: AuditLog, sessions: number): StatusReport {
  const idle = { state: 'idle' as const, interval_s: 60, last_run_at: null, last_result: null, runs: 0, skipped_overlaps: 0 };
  return {
    license: licenseReport({ state: 'INVALID', reason: 'the harness has no licence', checkedAt: Date.now() }, 'development'),
    backup: { enabled: false, interval_h: 168, sftp: null, last_backup_at: null, last_backup_file: null },
    profiles: { loaded: [], invalid: {} }, integrity: { state: 'skipped', reason: 'test harness' }, state: { backend: 'local', instance: 'harness' },
    watchdogs: { integrity: idle, backup: idle }, blacklisted_ips: 0, auth: { mode: 'jwt', clients: Object.keys(CLIENTS).length }, modules: ['cucm'],
    clients: { active: 0, configured: Object.keys(CLIENTS).length }, mcp: { sessions, tools: 0 }, audit: { healthy: audit.healthy, records: audit.head.seq },
  };
}

export interface HarnessOptions {
  auth?: MiddlewareHandler<AppEnv> | null; limits?: SessionLimits; now?: () => number; logger?: Logger; extraTools?: ToolDefinition[]; license?: LicenseGate;
  /** A shared state (Valkey) makes this one of several instances: session records, event store, rate limits, notices. */
  state?: SharedState;
  /** false: no fake tools (the extra tools are real ones, e.g. Cisco tools against a lab). */
  fakes?: boolean;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-mcp-'));
  writeFileSync(join(dir, '.env'), `MCP_SERVER_SECURITY_ALLOWED_HOSTS=${HOST}\nMCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://${HOST}\nMCP_SERVER_NAME=Test Bridge\nMCP_SERVER_INSTRUCTIONS=Use aibridge_whoami first\nAUTH_CLIENTS=alice:s:admin,olga:s:operator\n`, { mode: 0o600 });
  const config = loadConfig(dir);
  mkdirSync(config.paths.profilesDir, { recursive: true });
  syncDefaultProfiles(config.paths.profilesDir);
  writeFileSync(join(config.paths.profilesDir, 'custom.json'), JSON.stringify(CUSTOM_PROFILE));
  const logger = o.logger ?? createNullLogger();
  const profiles = new ProfileStore({ dir: config.paths.profilesDir, strict: true, logger });
  profiles.scan();
  const real = AuditLog.open({ dir: config.paths.logsDir, rotateSize: 1e7, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  const failAudit: { event?: string } = {};
  const audit = {
    append(category: Parameters<AuditLog['append']>[0], event: string, fields: Record<string, unknown>) {
      if (failAudit.event === event) throw new AppError('E_AUDIT_WRITE', 'Cannot write the audit record: disk full');
      return real.append(category, event, fields);
    },
  };
  const metrics = new AibridgeMetrics();
  const calls: string[] = [];
  const tools = new ToolSet([...(o.fakes === false ? [] : fakeTools(calls)), ...(o.extraTools ?? [])]);
  const pipeline = new ToolPipeline({ tools, profiles, audit, logger, metrics, ...(o.now ? { now: o.now } : {}), ...(o.state ? { rateLimits: o.state.rateLimits } : {}) });
  tools.add(createIntrospectionTools(pipeline, o.license));
  if (o.license) applyLicense(o.license, tools, pipeline, logger);
  const sessions = new SessionStore(o.limits);
  // As mcp/mcp-endpoint.ts: a change of the tool set tells every open session (of every instance).
  const delivered: Harness['delivered'] = [];
  const notices = await startSessionNotices({ sessions, bus: o.state?.notices ?? createLocalNoticeBus(), logger, onDelivered: (notice, n) => delivered.push({ notice, sessions: n }) });
  tools.onChange(() => notices.publish('notifications/tools/list_changed'));
  const state = o.state;
  const shared = state?.eventStore ? { records: state.sessions, idleSeconds: 1800, eventStore: state.eventStore.bind(state) } : undefined;
  const auth = countAuthFailures(metrics, requireBearer(() => (o.auth === null ? undefined : o.auth ?? TEST_AUTH)));
  const app = buildApp({ config, logger, audit: real }, {
    mcp: { path: '/mcp', name: 'Test Bridge', instructions: 'Use aibridge_whoami first', pipeline, sessions, auth, audit, logger, metrics, ...(shared ? { shared } : {}) },
    status: { auth, source: { name: 'Test Bridge', version: 'test', startedAt: new Date(), report: () => statusFixture(real, sessions.size) } },
    metrics: { registry: metrics, access: { auth, clients: ['aud'], token: METRICS_TEST_TOKEN } },
  });
  /** Requests come from a loopback peer unless `peer` says otherwise (the TCP address the app sees). */
  const fetchFn = async (url: string | URL, init: RequestInit = {}, peer = '127.0.0.1'): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('host', HOST);
    return app.request(String(url), { ...init, headers }, { incoming: { socket: { remoteAddress: peer } } });
  };
  return {
    dir, app, pipeline, profiles, sessions, metrics, calls, delivered, failAudit, fetch: fetchFn,
    auditText: () => readFileSync(join(config.paths.logsDir, 'audit.log'), 'utf8'),
    async connect(token) {
      const transport = new StreamableHTTPClientTransport(new URL(`https://${HOST}/mcp`), {
        fetch: fetchFn, requestInit: { headers: token ? { Authorization: `Bearer ${token}` } : {} },
      });
      const client = new Client({ name: 'harness', version: '1' });
      await client.connect(transport);
      return client;
    },
  };
}

/** Audit records as objects. */
export function auditRecords(h: Harness): Array<Record<string, unknown>> {
  return h.auditText().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}
