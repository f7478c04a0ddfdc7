/**
 * @module Start-up step 9, "load product modules (conditional on licence tier)": build the tool
 * catalogue, the tool-call pipeline and change control, and let the licence decide which tools
 * exist (a gate on the tool set, a policy on calls; both follow the licence at run time).
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { ProfileStore } from '../rbac/profile-store.ts';
import type { RateLimitState } from '../state/shared-state.ts';
import type { LicenseGate } from '../license/license-gate.ts';
import { errorMessage } from '../lib/errors.ts';
import { buildToolCatalog } from './tool-catalog.ts';
import { ToolPipeline } from './pipeline/tool-pipeline.ts';
import { ToolSet } from './pipeline/tool-set.ts';
import { createIntrospectionTools } from './introspection-tools.ts';
import { ChangeControl } from './changes/change-control.ts';
import { createChangeTools } from './changes/change-tools.ts';
import { ChangeStore } from '../changes/change-store.ts';
import { NodeVersions } from '../health/node-versions.ts';
import { applyLicense } from './licensed-tool-set.ts';

export interface ToolModulesDeps {
  config: Config;
  logger: Logger;
  audit: AuditLog;
  metrics: AibridgeMetrics;
  profiles: ProfileStore;
  license: LicenseGate;
  /** Several instances (STATE_BACKEND=valkey): rate-limit windows shared by all of them. */
  rateLimits?: RateLimitState;
}

/** What step 9 hands on. */
export interface ToolModules {
  tools: ToolSet;
  pipeline: ToolPipeline;
  /** Node versions the health checks saw (for the inventory resource). */
  nodeVersions: NodeVersions;
  /** What is loaded now: the Cisco products whose tools exist (the licence decides) and how many tools. */
  loaded(): { products: string[]; tools: number };
  /** Closes what the tools opened (connection pools, cached secrets). */
  close(): Promise<void>;
}

export function loadToolModules(d: ToolModulesDeps): ToolModules {
  const { config, logger, audit, profiles } = d;
  const closers: Array<() => void | Promise<void>> = [];
  const nodeVersions = new NodeVersions();
  const tools = new ToolSet(buildToolCatalog({ config, audit, profiles, logger, nodeVersions, onShutdown: (fn) => closers.push(fn) }));
  const pipeline = new ToolPipeline({ tools, profiles, audit, logger, metrics: d.metrics, ...(d.rateLimits ? { rateLimits: d.rateLimits } : {}) });
  tools.add(createIntrospectionTools(pipeline, d.license));
  applyLicense(d.license, tools, pipeline, logger);
  pipeline.changes = new ChangeControl({
    store: new ChangeStore(config.paths.clientsDir), audit, ttlMs: config.env.CHANGE_APPROVAL_TTL_SECONDS * 1000,
    tools, profileOf: (p) => pipeline.profileOf(p), now: () => pipeline.now(),
  });
  tools.add(createChangeTools(pipeline.changes));
  return {
    tools, pipeline, nodeVersions,
    loaded() {
      const all = tools.all();
      return { products: [...new Set(all.map((t) => t.product).filter((p) => p !== 'common'))].sort(), tools: all.length };
    },
    async close() {
      for (const fn of closers.reverse()) await Promise.resolve(fn()).catch((err: unknown) => logger.error('shutdown_hook_failed', { message: errorMessage(err) }));
    },
  };
}
