/**
 * @module GET /status (Bearer): version, uptime, licence and backup state, blacklisted IP count,
 * product modules, clients, sessions, profiles and audit-log health, as JSON. Every field comes
 * from a typed start-up handle, read at request time (server/status-report.ts).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import type { LicenseReport } from '../license/license-report.ts';
import type { BackupFacts } from '../ops/backup/backup-watchdog.ts';
import type { IntegrityStatus } from '../ops/integrity/integrity-monitor.ts';
import type { WatchdogStatus } from '../ops/common/watchdog.ts';

/** The body of /status after `server`, `version`, `started_at` and `uptime_s`, in this order. */
export interface StatusReport {
  license: LicenseReport;
  backup: BackupFacts;
  profiles: { loaded: string[]; invalid: Record<string, string> };
  integrity: IntegrityStatus;
  /** The shared state backend (local files or Valkey) and this instance's name. */
  state: { backend: string; instance: string };
  watchdogs: { integrity: WatchdogStatus; backup: WatchdogStatus };
  /** Source addresses Fail2Ban blocks now. */
  blacklisted_ips: number;
  auth: { mode: string; clients: number };
  /** Cisco products whose tools are loaded (the licence decides). */
  modules: string[];
  clients: { active: number; configured: number };
  mcp: { sessions: number; tools: number };
  audit: { healthy: boolean; last_error?: string; records: number };
}

export interface StatusSource {
  name: string;
  version: string;
  startedAt: Date;
  report(): StatusReport;
}

export function mountStatusRoute(app: Hono<AppEnv>, auth: MiddlewareHandler<AppEnv>, src: StatusSource): void {
  app.get('/status', auth, (c) => {
    const uptime = Math.round((Date.now() - src.startedAt.getTime()) / 1000);
    c.header('Cache-Control', 'no-store');
    return c.json({ server: src.name, version: src.version, started_at: src.startedAt.toISOString(), uptime_s: uptime, ...src.report() });
  });
}
