/** @module The /status body, read from the typed start-up handles at request time. */
import type { StatusReport } from '../http/status-route.ts';
import type { ServerHandles } from './server-handles.ts';

export function statusReport(h: ServerHandles): StatusReport {
  const { profiles, audit, auth, mcp, modules } = h;
  return {
    license: h.license.report(),
    backup: h.watchdogs.backup.facts(),
    profiles: { loaded: profiles.store.names(), invalid: profiles.store.invalid() },
    integrity: h.integrity.status(),
    state: { backend: h.state.kind, instance: h.state.instance },
    watchdogs: h.watchdogs.statuses(),
    blacklisted_ips: auth.blockedCount(),
    auth: { mode: auth.mode, clients: auth.clients },
    modules: modules.loaded().products,
    clients: { active: mcp.sessions.clients().length, configured: auth.clients },
    mcp: { sessions: mcp.sessions.size, tools: modules.tools.all().length },
    audit: { healthy: audit.healthy, ...(audit.lastError ? { last_error: audit.lastError } : {}), records: audit.head.seq },
  };
}
