/**
 * @module The MCP endpoint's live parts (start-up step 11, before listening): the session store
 * and its idle sweep, the resources, and `notifications/tools/list_changed` to every open session
 * of every instance (mcp/session-notices.ts) when a profile or the tool set changes.
 * http/build-app.ts mounts `route`.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { ProfileStore } from '../rbac/profile-store.ts';
import type { SharedState } from '../state/shared-state.ts';
import { resolveInstallPath } from '../config/load-config.ts';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './session-store.ts';
import { startSessionNotices } from './session-notices.ts';
import type { McpRouteDeps } from './mcp-route.ts';
import { serverInstructions } from './server-instructions.ts';
import { McpResources } from './content/resources.ts';
import { ReportStore } from '../reports/report-store.ts';
import { NodeRegistry } from '../cisco/node-registry.ts';
import { parseNodeInventory } from '../cisco/parse-node-inventory.ts';
import { AxlSchemas } from '../cisco/axl/axl-schemas.ts';
import type { ToolModules } from './load-tool-modules.ts';

const SWEEP_MS = 60_000;

export interface McpEndpointDeps {
  config: Config;
  logger: Logger;
  audit: AuditLog;
  metrics: AibridgeMetrics;
  profiles: ProfileStore;
  modules: ToolModules;
  state: SharedState;
  /** Bearer authentication, already fail-closed and counting failures. */
  bearer: MiddlewareHandler<AppEnv>;
}

export interface McpEndpoint {
  sessions: SessionStore;
  /** What http/build-app.ts mounts at MCP_SERVER_URL_PATH. */
  route: McpRouteDeps;
  /** Stops the sweep and closes every open session. */
  close(): Promise<void>;
}

export async function openMcpEndpoint(d: McpEndpointDeps): Promise<McpEndpoint> {
  const { config, logger, audit, metrics, modules, state } = d;
  const { pipeline, tools } = modules;
  const e = config.env;
  const resources = new McpResources({
    store: new ReportStore(config.paths.clientsDir, audit), nodes: new NodeRegistry(parseNodeInventory(e)), versions: modules.nodeVersions,
    axl: new AxlSchemas(resolveInstallPath(config.paths.root, e.SERVER_CUCM_AXL_SCHEMAS_DIR)),
    profileOf: (p) => pipeline.profileOf(p),
    audit: async (event, fields) => { await audit.appendAsync('ACTIONS', event, fields); },
  });
  const sessions = new SessionStore({ ...DEFAULT_SESSION_LIMITS, maxPerClient: e.MCP_SESSION_MAX_PER_CLIENT, maxTotal: e.MCP_SESSION_MAX_TOTAL });
  const sweep = setInterval(() => {
    for (const s of sessions.expire(pipeline.now())) void s.close();
    pipeline.limiter.sweep(pipeline.now());
  }, SWEEP_MS).unref();
  // A profile change or a change of the tool set (gates, policies) may change every listing:
  // every session on every instance is told.
  const notices = await startSessionNotices({ sessions, bus: state.notices, logger });
  const listChanged = (): void => notices.publish('notifications/tools/list_changed');
  d.profiles.onChange(listChanged);
  tools.onChange(listChanged);
  const route: McpRouteDeps = {
    path: e.MCP_SERVER_URL_PATH, name: e.MCP_SERVER_NAME, instructions: serverInstructions(e.MCP_SERVER_INSTRUCTIONS),
    pipeline, sessions, auth: d.bearer, audit, logger, metrics, resources,
    ...(state.kind === 'valkey' && state.eventStore
      ? { shared: { records: state.sessions, idleSeconds: Math.ceil(sessions.limits.idleMs / 1000), eventStore: state.eventStore.bind(state) } }
      : {}),
  };
  return {
    sessions, route,
    async close() { notices.stop(); clearInterval(sweep); await Promise.all(sessions.drain().map((s) => s.close())); },
  };
}
