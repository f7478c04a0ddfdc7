/**
 * @module Gauges an operator alerts on, read at scrape time: the serving certificate's expiry,
 * the newest local backup (watchdog or CLI), the licence's time left and the time until each
 * client's JWT expires.
 */
import { listClients } from '../auth/clients/list-clients.ts';
import { newestLocalBackup } from '../ops/backup/newest-backup.ts';
import type { ServerHandles } from './server-handles.ts';

const DAY_S = 86_400;

export function registerApplianceGauges(h: Pick<ServerHandles, 'metrics' | 'config' | 'cert' | 'license'>): void {
  const { metrics: m, config, cert, license } = h;
  m.collect('aibridge_tls_certificate_expiry_timestamp_seconds', 'Expiry of the serving TLS certificate (unix seconds)', 'gauge', () => {
    const t = Date.parse(cert.notAfter) / 1000;
    return Number.isFinite(t) ? [{ labels: { source: cert.source }, value: Math.round(t) }] : [];
  });
  m.collect('aibridge_backup_last_success_timestamp_seconds', 'Time of the newest local backup, by the watchdog or the CLI (unix seconds)', 'gauge', () => {
    const b = newestLocalBackup(config.paths.backupsDir);
    return b ? [{ labels: {}, value: Date.parse(b.at) / 1000 }] : [];
  });
  // Base units (promtool): seconds, from the licence's whole days left (negative in grace).
  m.collect('aibridge_license_remaining_seconds', 'Seconds until the licence expires, from its whole days left (negative in grace)', 'gauge', () => {
    const days = license.report().days_left;
    return days === null ? [] : [{ labels: {}, value: days * DAY_S }];
  });
  m.collect('aibridge_client_jwt_expiry_remaining_seconds', 'Seconds until each client\'s JWT expires (JWT-mode clients only)', 'gauge', () => listClients(config)
    .filter((c) => /^\d{4}-/.test(c.tokenExpiry))
    .map((c) => ({ labels: { client: c.name }, value: Math.floor(Date.parse(c.tokenExpiry) / 1000 - Date.now() / 1000) })));
}
