/**
 * @module What a running server is made of: the typed handle of each start-up step
 * (server/start-server.ts builds them in the Operations page's order). /status, /metrics,
 * /readyz and the start-up summary read these, nothing else.
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { ProfilesHandle } from '../rbac/open-profiles.ts';
import type { IntegrityMonitor } from '../ops/integrity/integrity-monitor.ts';
import type { ServerCert } from '../tls/server-cert.ts';
import type { RsaKeyPair } from '../keys/rsa-key-pair.ts';
import type { SharedState } from '../state/shared-state.ts';
import type { AuthHandle } from '../auth/open-auth.ts';
import type { LicenseHandle } from '../license/open-license.ts';
import type { ToolModules } from '../mcp/load-tool-modules.ts';
import type { WatchdogsHandle } from '../ops/start-watchdogs.ts';
import type { McpEndpoint } from '../mcp/mcp-endpoint.ts';

export interface ServerHandles {
  startedAt: Date;
  metrics: AibridgeMetrics;
  /** Step 1. */
  config: Config;
  /** Step 2 (the audit log is closed last). */
  logger: Logger;
  audit: AuditLog;
  /** Step 3. */
  profiles: ProfilesHandle;
  /** Step 4. */
  integrity: IntegrityMonitor;
  /** Step 5. */
  cert: ServerCert;
  /** Step 6. */
  rsa: RsaKeyPair;
  /** Step 7: the shared state (STATE_BACKEND: local files or Valkey) and authentication on it. */
  state: SharedState;
  auth: AuthHandle;
  /** Step 8. */
  license: LicenseHandle;
  /** Step 9. */
  modules: ToolModules;
  /** Step 10. */
  watchdogs: WatchdogsHandle;
  /** Step 11. */
  mcp: McpEndpoint;
}
