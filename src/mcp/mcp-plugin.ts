/**
 * @module Route step: build the tool set and pipeline, then mount the MCP endpoint,
 * GET /status (Bearer) and GET /metrics; idle sessions expire; profile changes notify sessions.
 */
import type { MiddlewareHandler } from 'hono';
import type { ServerPlugin, ServerRuntime } from '../server/server-runtime.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError } from '../lib/errors.ts';
import { VERSION } from '../lib/version.ts';
import { buildToolCatalog } from './tool-catalog.ts';
import type { ToolSource } from './tool-catalog.ts';
import { ToolPipeline } from './pipeline/tool-pipeline.ts';
import { ToolSet } from './pipeline/tool-set.ts';
import { createIntrospectionTools } from './introspection-tools.ts';
import { ChangeControl } from './changes/change-control.ts';
import { createChangeTools } from './changes/change-tools.ts';
import { ChangeStore } from '../changes/change-store.ts';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './session-store.ts';
import { startSessionNotices } from './session-notices.ts';
import { createLocalNoticeBus } from '../state/notice-bus.ts';
import { mountMcpRoute, requireBearer } from './mcp-route.ts';
import { serverInstructions } from './server-instructions.ts';
import { countAuthFailures } from './count-auth-failures.ts';
import { registerServerGauges, statusSections } from './server-gauges.ts';
import { mountStatusRoute } from '../http/status-route.ts';
import { McpResources } from './content/resources.ts';
import { NodeVersions } from '../health/node-versions.ts';
import { ReportStore } from '../reports/report-store.ts';
import { NodeRegistry } from '../cisco/node-registry.ts';
import { parseNodeInventory } from '../cisco/parse-node-inventory.ts';
import { AxlSchemas } from '../cisco/axl/axl-schemas.ts';
import { resolveInstallPath } from '../config/load-config.ts';
import { mountMetricsRoute } from '../http/metrics-route.ts';
import { readMetricsToken } from '../http/metrics-token.ts';
import { registerLicenseGauges } from '../license/license-metrics.ts';
import { applyLicense } from './licensed-tool-set.ts';

const SWEEP_MS = 60_000;

/** Build the MCP plugin; tests pass their own tool sources instead of the Cisco tools. */
export function createMcpPlugin(sources?: readonly ToolSource[]): ServerPlugin {
  return {
    name: 'mcp',
    step: 'routes',
    async run(runtime: ServerRuntime) {
      const profiles = runtime.profiles;
      if (!profiles) throw new AppError('E_INTERNAL', 'Profiles were not loaded before the MCP endpoint', { hint: 'report this as a bug' });
      const { config, logger, audit } = runtime;
      const e = config.env;
      const metrics = runtime.metrics;
      const nodeVersions = new NodeVersions();
      const tools = new ToolSet(buildToolCatalog({ config, audit, profiles, logger, nodeVersions, onShutdown: (fn) => runtime.onShutdown.push(fn) }, sources));
      const state = runtime.state;
      const pipeline = new ToolPipeline({ tools, profiles, audit, logger, metrics, ...(state?.kind === 'valkey' ? { rateLimits: state.rateLimits } : {}) });
      const license = runtime.license?.watchdog;
      tools.add(createIntrospectionTools(pipeline, license));
      if (license) {
        applyLicense(license, tools, pipeline, logger);
        registerLicenseGauges(metrics, license);
      }
      const resources = new McpResources({
        store: new ReportStore(config.paths.clientsDir, audit), nodes: new NodeRegistry(parseNodeInventory(e)), versions: nodeVersions,
        axl: new AxlSchemas(resolveInstallPath(config.paths.root, e.SERVER_CUCM_AXL_SCHEMAS_DIR)),
        profileOf: (p) => pipeline.profileOf(p),
        audit: async (event, fields) => { await audit.appendAsync('ACTIONS', event, fields); },
      });
      pipeline.changes = new ChangeControl({
        store: new ChangeStore(config.paths.clientsDir), audit, ttlMs: e.CHANGE_APPROVAL_TTL_SECONDS * 1000,
        tools, profileOf: (p) => pipeline.profileOf(p), now: () => pipeline.now(),
      });
      tools.add(createChangeTools(pipeline.changes));
      const sessions = new SessionStore({ ...DEFAULT_SESSION_LIMITS, maxPerClient: e.MCP_SESSION_MAX_PER_CLIENT, maxTotal: e.MCP_SESSION_MAX_TOTAL });
      const sweep = setInterval(() => {
        for (const s of sessions.expire(pipeline.now())) void s.close();
        pipeline.limiter.sweep(pipeline.now());
      }, SWEEP_MS).unref();
      runtime.onShutdown.push(async () => { clearInterval(sweep); await Promise.all(sessions.drain().map((s) => s.close())); });
      // A profile change or a change of the tool set (gates, policies) may change every listing:
      // every session on every instance is told (session-notices.ts).
      const notices = await startSessionNotices({ sessions, bus: state?.notices ?? createLocalNoticeBus(), logger });
      runtime.onShutdown.push(() => notices.stop());
      const listChanged = (): void => notices.publish('notifications/tools/list_changed');
      profiles.onChange(listChanged);
      tools.onChange(listChanged);
      registerServerGauges(metrics, { runtime, sessions, profiles });
      const bearer = requireBearer(() => runtime.auth?.authenticate);
      const auth: MiddlewareHandler<AppEnv> = countAuthFailures(metrics, bearer);
      runtime.extensions.push((app) => {
        mountMcpRoute(app, {
          path: e.MCP_SERVER_URL_PATH, name: e.MCP_SERVER_NAME, instructions: serverInstructions(e.MCP_SERVER_INSTRUCTIONS),
          pipeline, sessions, auth, audit, logger, metrics, resources,
          ...(state?.kind === 'valkey' && state.eventStore
            ? { shared: { records: state.sessions, idleSeconds: Math.ceil(sessions.limits.idleMs / 1000), eventStore: state.eventStore.bind(state) } }
            : {}),
        });
        mountStatusRoute(app, auth, {
          name: e.MCP_SERVER_NAME, version: VERSION, startedAt: runtime.startedAt,
          facts: () => ({ ...runtime.status }),
          sections: () => statusSections({ runtime, sessions, profiles, pipeline }),
        });
        mountMetricsRoute(app, metrics, {
          auth, clients: e.METRICS_CLIENTS, scrapeAllowlist: e.METRICS_SCRAPE_ALLOWLIST,
          ...(e.METRICS_TOKEN_FILE ? { token: readMetricsToken(resolveInstallPath(config.paths.root, e.METRICS_TOKEN_FILE)) } : {}),
        });
      });
      logger.info('mcp_ready', { path: e.MCP_SERVER_URL_PATH, tools: tools.all().length, ...(license ? { license: license.status.state } : {}) });
    },
  };
}

export const MCP_PLUGIN: ServerPlugin = createMcpPlugin();
