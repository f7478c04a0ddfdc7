/**
 * @module Every tool the MCP endpoint can offer. Add a `ToolSource` to TOOL_SOURCES to publish
 * more tools; the pipeline (pipeline/tool-pipeline.ts) wraps each one with RBAC, limits, audit and timing.
 */
import type { Config } from '../config/load-config.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ToolDefinition } from './tool-definition.ts';
import { AppError } from '../lib/errors.ts';
import { createCiscoServices } from './tools/cisco-services.ts';
import { createCiscoTools } from './tools/cisco-tools.ts';
import { createReportServices } from './tools/report-services.ts';
import { createReportTools } from './tools/report-tools.ts';
import { createHealthTools } from './tools/health-tools.ts';
import type { ProfileLookup } from './tools/health-tools.ts';
import type { Logger } from '../log/logger.ts';
import type { NodeVersions } from '../health/node-versions.ts';

/** What a tool source may use when it builds its tools at start-up. */
export interface ToolCatalogDeps {
  config: Config;
  audit: AuditLog;
  /** Register cleanup to run at shutdown (close pools, forget cached secrets). */
  onShutdown(fn: () => void | Promise<void>): void;
  /** RBAC profiles, for tools that check their inner steps (the health checks). */
  profiles?: ProfileLookup;
  logger?: Logger;
  /** Versions the health checks see, for the inventory resource. */
  nodeVersions?: NodeVersions;
}

/** Builds a group of tools once at start-up. */
export type ToolSource = (deps: ToolCatalogDeps) => ToolDefinition[];

function ciscoTools(deps: ToolCatalogDeps): ToolDefinition[] {
  const services = createCiscoServices(deps.config, deps.audit);
  deps.onShutdown(() => services.close());
  const reports = createReportServices(deps.config, deps.audit, deps.logger);
  return [...createCiscoTools(services), ...createHealthTools(services, reports, { profiles: deps.profiles ?? { get: () => undefined }, ...(deps.nodeVersions ? { versions: deps.nodeVersions } : {}) })];
}

function reportTools(deps: ToolCatalogDeps): ToolDefinition[] {
  return createReportTools(createReportServices(deps.config, deps.audit, deps.logger));
}

/** Tool groups, in listing order. The introspection tools (aibridge_*) are added by the MCP wiring. */
export const TOOL_SOURCES: readonly ToolSource[] = [
  ciscoTools,
  reportTools,
];

/** Build the catalogue; tool names must be unique. */
export function buildToolCatalog(deps: ToolCatalogDeps, sources: readonly ToolSource[] = TOOL_SOURCES): ToolDefinition[] {
  const tools = sources.flatMap((source) => source(deps));
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name)) throw new AppError('E_INTERNAL', `Tool "${t.name}" is declared twice in the catalogue`);
    seen.add(t.name);
  }
  return tools;
}
