/** @module What start-up steps share: config, logs, keys, and the hooks later steps fill in. */
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MiddlewareHandler } from 'hono';
import type { AppExtension } from '../http/build-app.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { ServerCert } from '../tls/server-cert.ts';
import type { SharedState } from '../state/shared-state.ts';
import type { LicenseWatchdog } from '../license/license-watchdog.ts';
import type { TrustAnchor } from '../license/trust-anchor.ts';
import type { ProfileStore } from '../rbac/profile-store.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';

/** What the clients step (7) hands on: bearer authentication and the live auth state. */
export interface AuthHandle {
  /** Sets `principal` or answers 401 with WWW-Authenticate (RFC 6750, RFC 9728). */
  authenticate: MiddlewareHandler<AppEnv>;
  /** Refuses blocked source addresses (429 + Retry-After); placed by http/build-app.ts. */
  fail2banGuard: MiddlewareHandler<AppEnv>;
  mode: string;
  clients: number;
  /** Source addresses blocked by Fail2Ban now. */
  blockedCount(): number;
}

export interface ServerRuntime {
  config: Config;
  logger: Logger;
  audit: AuditLog;
  /** Set by step 5. */
  cert?: ServerCert;
  /** Set by step 6. */
  rsa?: { privateKey: KeyObject; publicKey: KeyObject };
  startedAt: Date;
  /** Set by step 8: the licence watchdog (state, entitlements, changes), started at step 10. */
  license?: { watchdog: LicenseWatchdog; anchor: TrustAnchor; installId: string };
  /**
   * Bearer authentication for protected routes (/mcp, /status), set by the auth plugin at step 7:
   * sets `principal` or answers 401 with WWW-Authenticate (RFC 6750, RFC 9728).
   */
  authenticate?: MiddlewareHandler<AppEnv>;
  /** The server's metrics (every step may count). */
  metrics: AibridgeMetrics;
  /** Set by step 3. */
  profiles?: ProfileStore;
  /** Set by step 7. */
  auth?: AuthHandle;
  /** Count a transport violation (forged Host/Origin) from `ip` towards Fail2Ban; set by the auth plugin. */
  countViolation?: (ip: string) => void;
  /** The shared state (STATE_BACKEND: local files or Valkey), opened by the auth plugin at step 7. */
  state?: SharedState;
  /** Routes and middleware to mount (auth, MCP, status, metrics…), in order. */
  extensions: AppExtension[];
  /** Run at shutdown, newest first (watchdogs, sessions, caches). */
  onShutdown: Array<() => Promise<void> | void>;
  /** Free-form facts for /status (modules loaded, watchdog states…). */
  status: Record<string, unknown>;
}

/** Start-up steps of the Operations page that plugins attach to. */
export type PluginStep = 'profiles' | 'integrity' | 'clients' | 'modules' | 'watchdogs' | 'routes';

export interface ServerPlugin {
  name: string;
  step: PluginStep;
  run(runtime: ServerRuntime): Promise<void> | void;
}
