/**
 * @module Start-up step 8: verify secrets/license.jwt and return the watchdog that keeps it
 * current (started at step 10: every minute, and at once when the file changes). Never fails the start-up: a missing or bad licence is the INVALID
 * state (logged critical, audited), the server still answers /health and the introspection tools.
 * (STATE_BACKEND=valkey is the exception: it needs the `scale-out` feature, checked before step 7
 * by scale-out.ts.)
 */
import { watch } from 'node:fs';
import type { Config } from '../config/load-config.ts';
import { checkInstalledLicense, countClients, LICENSE_FILE } from './check-license.ts';
import { ensureInstallId } from './install-id.ts';
import { LicenseWatchdog } from './license-watchdog.ts';
import type { LicenseAudit, LicenseLogger } from './license-watchdog.ts';
import { embeddedTrustAnchor } from './trust-anchor.ts';
import type { TrustAnchor } from './trust-anchor.ts';
import { licenseReport } from './license-report.ts';
import type { LicenseReport } from './license-report.ts';

export interface OpenLicenseOptions {
  config: Config;
  logger: LicenseLogger;
  audit: LicenseAudit;
  anchor?: TrustAnchor;
  now?: () => number;
}

/** inotify on secrets/ (an atomic install is a rename into it); a failed watch leaves the timer. */
function watchLicenseFile(secretsDir: string, onChange: () => void): () => void {
  try {
    const w = watch(secretsDir, { persistent: false }, (_event, name) => { if (name === null || String(name) === LICENSE_FILE) onChange(); });
    w.on('error', () => w.close());
    return () => w.close();
  } catch {
    return () => undefined;
  }
}

/** What step 8 hands on: the licence watchdog (state, entitlements, changes; started at step 10). */
export interface LicenseHandle {
  watchdog: LicenseWatchdog;
  anchor: TrustAnchor;
  installId: string;
  /** The licence as /status, /readyz and the gauges show it, now. */
  report(): LicenseReport;
  /** Stops the watchdog's timer and file watch. */
  close(): void;
}

export async function openLicense(o: OpenLicenseOptions): Promise<LicenseHandle> {
  const anchor = o.anchor ?? embeddedTrustAnchor();
  const secretsDir = o.config.paths.secretsDir;
  const installId = ensureInstallId(secretsDir);
  const clientCount = countClients(o.config.env.AUTH_CLIENTS);
  const watchdog = new LicenseWatchdog({
    now: o.now ?? Date.now, logger: o.logger, audit: o.audit,
    check: (now) => checkInstalledLicense({ secretsDir, anchor, installId, clientCount }, now),
    watch: (onChange) => watchLicenseFile(secretsDir, onChange),
  });
  await watchdog.checkNow();
  return { watchdog, anchor, installId, report: () => licenseReport(watchdog.status, anchor.kind), close: () => watchdog.stop() };
}
