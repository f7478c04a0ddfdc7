/**
 * @module Start-up step 8: verify secrets/license.jwt and return the watchdog that keeps it
 * current (started at step 10). Never fails the start-up: a missing or bad licence is the INVALID
 * state (logged critical, audited), the server still answers /health and the introspection tools.
 */
import type { Config } from '../config/load-config.ts';
import { checkInstalledLicense, countClients } from './check-license.ts';
import { ensureInstallId } from './install-id.ts';
import { LicenseWatchdog } from './license-watchdog.ts';
import type { LicenseAudit, LicenseLogger } from './license-watchdog.ts';
import { embeddedTrustAnchor } from './trust-anchor.ts';
import type { TrustAnchor } from './trust-anchor.ts';

export interface OpenLicenseOptions {
  config: Config;
  logger: LicenseLogger;
  audit: LicenseAudit;
  anchor?: TrustAnchor;
  now?: () => number;
}

export async function openLicense(o: OpenLicenseOptions): Promise<{ watchdog: LicenseWatchdog; anchor: TrustAnchor; installId: string }> {
  const anchor = o.anchor ?? embeddedTrustAnchor();
  const secretsDir = o.config.paths.secretsDir;
  const installId = ensureInstallId(secretsDir);
  const clientCount = countClients(o.config.env.AUTH_CLIENTS);
  const watchdog = new LicenseWatchdog({
    now: o.now ?? Date.now, logger: o.logger, audit: o.audit,
    check: (now) => checkInstalledLicense({ secretsDir, anchor, installId, clientCount }, now),
  });
  await watchdog.checkNow();
  return { watchdog, anchor, installId };
}
