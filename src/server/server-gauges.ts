/** @module Gauges for /metrics, read from the typed start-up handles at scrape time. */
import type { ServerHandles } from './server-handles.ts';

/** A label value from our own state, reduced to a safe charset. */
function safe(v: unknown): string {
  return String(v).toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 64);
}

export function registerServerGauges(h: ServerHandles): void {
  const { metrics: m, mcp, audit, auth } = h;
  const profiles = h.profiles.store;
  m.collect('aibridge_mcp_sessions', 'Open MCP sessions', 'gauge', () => [{ labels: {}, value: mcp.sessions.size }]);
  m.collect('aibridge_active_clients', 'Clients with at least one open MCP session', 'gauge', () => [{ labels: {}, value: mcp.sessions.clients().length }]);
  m.collect('aibridge_profiles_loaded', 'RBAC profiles in force', 'gauge', () => [{ labels: {}, value: profiles.names().length }]);
  m.collect('aibridge_profiles_invalid', 'Profile files refused at their last change', 'gauge', () => [{ labels: {}, value: Object.keys(profiles.invalid()).length }]);
  m.collect('aibridge_audit_healthy', '1 when the last audit append succeeded, 0 after a failure', 'gauge', () => [{ labels: {}, value: audit.healthy ? 1 : 0 }]);
  m.collect('aibridge_fail2ban_blocked_ips', 'Source addresses currently blocked by Fail2Ban', 'gauge', () => [{ labels: {}, value: auth.blockedCount() }]);
  m.collect('aibridge_watchdog_state', 'Background watchdog state (1 for the current state of each watchdog)', 'gauge', () =>
    Object.entries(h.watchdogs.statuses()).map(([name, s]) => ({ labels: { watchdog: safe(name), state: safe(s.state) }, value: 1 })));
}
