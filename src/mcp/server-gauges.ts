/** @module Gauges for /metrics and sections for /status read from the live server state. */
import type { ServerRuntime } from '../server/server-runtime.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { ProfileStore } from '../rbac/profile-store.ts';
import type { SessionStore } from './session-store.ts';
import type { ToolPipeline } from './pipeline/tool-pipeline.ts';

interface Live { runtime: ServerRuntime; sessions: SessionStore; profiles: ProfileStore }

/** A label value from our own state, reduced to a safe charset. */
function safe(v: unknown): string {
  return String(v).toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 64);
}


export function registerServerGauges(m: AibridgeMetrics, live: Live): void {
  const { runtime, sessions, profiles } = live;
  m.collect('aibridge_mcp_sessions', 'Open MCP sessions', 'gauge', () => [{ labels: {}, value: sessions.size }]);
  m.collect('aibridge_active_clients', 'Clients with at least one open MCP session', 'gauge', () => [{ labels: {}, value: sessions.clients().length }]);
  m.collect('aibridge_profiles_loaded', 'RBAC profiles in force', 'gauge', () => [{ labels: {}, value: profiles.names().length }]);
  m.collect('aibridge_profiles_invalid', 'Profile files refused at their last change', 'gauge', () => [{ labels: {}, value: Object.keys(profiles.invalid()).length }]);
  m.collect('aibridge_audit_healthy', '1 when the last audit append succeeded, 0 after a failure', 'gauge', () => [{ labels: {}, value: runtime.audit.healthy ? 1 : 0 }]);
  m.collect('aibridge_fail2ban_blocked_ips', 'Source addresses currently blocked by Fail2Ban', 'gauge', () => {
    const n = runtime.auth?.blockedCount();
    return n === undefined ? [] : [{ labels: {}, value: n }];
  });
  m.collect('aibridge_watchdog_state', 'Background watchdog state (1 for the current state of each watchdog)', 'gauge', () => {
    const w = runtime.status.watchdogs as Record<string, unknown> | undefined;
    if (!w || typeof w !== 'object') return [];
    return Object.entries(w).map(([name, v]) => {
      const state = typeof v === 'object' && v !== null ? (v as { state?: unknown }).state : v;
      return { labels: { watchdog: safe(name), state: safe(state ?? 'unknown') }, value: 1 };
    });
  });
}

export function statusSections(live: Live & { pipeline: ToolPipeline }): Record<string, unknown> {
  const { runtime, sessions, profiles, pipeline } = live;
  const products = [...new Set(pipeline.tools.all().map((t) => t.product).filter((p) => p !== 'common'))].sort();
  return {
    blacklisted_ips: runtime.auth?.blockedCount() ?? null,
    auth: runtime.auth ? { mode: runtime.auth.mode, clients: runtime.auth.clients } : null,
    modules: runtime.status.modules ?? products,
    clients: { active: sessions.clients().length, configured: runtime.auth?.clients ?? null },
    mcp: { sessions: sessions.size, tools: pipeline.tools.all().length },
    profiles: { loaded: profiles.names(), invalid: profiles.invalid() },
    audit: { healthy: runtime.audit.healthy, ...(runtime.audit.lastError ? { last_error: runtime.audit.lastError } : {}), records: runtime.audit.head.seq },
  };
}
