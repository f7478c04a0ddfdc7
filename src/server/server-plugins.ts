/**
 * @module The plugins that fill start-up steps 3, 4, 7, 9, 10 and mount routes. Each issue adds
 * its own entries here; start-server.ts runs them in step order.
 */
import type { ServerPlugin } from './server-runtime.ts';
import { AUTH_PLUGIN } from '../auth/auth-plugin.ts';
import { PROFILES_PLUGIN } from '../rbac/profiles-plugin.ts';
import { MCP_PLUGIN } from '../mcp/mcp-plugin.ts';
import { OPS_INTEGRITY_PLUGIN, OPS_WATCHDOGS_PLUGIN } from './ops-steps.ts';
import { READINESS_PLUGIN } from './readiness-plugin.ts';
import { APPLIANCE_GAUGES_PLUGIN } from './appliance-gauges.ts';

export const SERVER_PLUGINS: readonly ServerPlugin[] = [
  AUTH_PLUGIN,
  PROFILES_PLUGIN,
  MCP_PLUGIN,
  OPS_INTEGRITY_PLUGIN,
  OPS_WATCHDOGS_PLUGIN,
  READINESS_PLUGIN,
  APPLIANCE_GAUGES_PLUGIN,
];
