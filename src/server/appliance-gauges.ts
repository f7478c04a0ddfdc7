/**
 * @module Step "routes": gauges an operator alerts on, read at scrape time: the serving
 * certificate's expiry, the newest local backup (watchdog or CLI), the licence's days left (when the
 * licence watchdog publishes it) and the days until each client's JWT expires.
 */
import { listClients } from '../auth/clients/list-clients.ts';
import { newestLocalBackup } from '../ops/backup/newest-backup.ts';
import type { ServerPlugin } from './server-runtime.ts';

const DAY_S = 86_400;

export const APPLIANCE_GAUGES_PLUGIN: ServerPlugin = {
  name: 'appliance-gauges',
  step: 'routes',
  run(runtime) {
    const m = runtime.metrics;
    m.collect('aibridge_tls_certificate_expiry_timestamp_seconds', 'Expiry of the serving TLS certificate (unix seconds)', 'gauge', () => {
      const t = runtime.cert ? Date.parse(runtime.cert.notAfter) / 1000 : Number.NaN;
      return Number.isFinite(t) ? [{ labels: { source: runtime.cert?.source ?? 'unknown' }, value: Math.round(t) }] : [];
    });
    m.collect('aibridge_backup_last_success_timestamp_seconds', 'Time of the newest local backup, by the watchdog or the CLI (unix seconds)', 'gauge', () => {
      const b = newestLocalBackup(runtime.config.paths.backupsDir);
      return b ? [{ labels: {}, value: Date.parse(b.at) / 1000 }] : [];
    });
    // Base units (promtool): seconds, from the licence's whole days left (negative in grace).
    m.collect('aibridge_license_remaining_seconds', 'Seconds until the licence expires, from its whole days left (negative in grace)', 'gauge', () => {
      const days = (runtime.status.license as { days_left?: unknown } | undefined)?.days_left;
      return typeof days === 'number' ? [{ labels: {}, value: days * DAY_S }] : [];
    });
    m.collect('aibridge_client_jwt_expiry_remaining_seconds', 'Seconds until each client\'s JWT expires (JWT-mode clients only)', 'gauge', () => listClients(runtime.config)
      .filter((c) => /^\d{4}-/.test(c.tokenExpiry))
      .map((c) => ({ labels: { client: c.name }, value: Math.floor(Date.parse(c.tokenExpiry) / 1000 - Date.now() / 1000) })));
  },
};
