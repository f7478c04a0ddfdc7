/**
 * @module The `scale-out` feature: STATE_BACKEND=valkey (several instances acting as one) needs a
 * VALID or GRACE licence that includes it. `serve` refuses to start without it (after step 8),
 * `/readyz` and `aibridge doctor` say so while it is missing (a licence replaced at run time, or
 * expired), and STATE_BACKEND=local never asks. One wording for all three.
 */
import { AppError } from '../lib/errors.ts';
import { hasFeature } from './tiers.ts';
import type { LicenseStatus } from './verify-license.ts';
import type { Config } from '../config/load-config.ts';
import { checkInstalledLicense, countClients } from './check-license.ts';
import { ensureInstallId } from './install-id.ts';
import { embeddedTrustAnchor } from './trust-anchor.ts';

export const SCALE_OUT_FIX = 'install a licence whose tier includes scale-out (aibridge license install FILE; enterprise does), or set STATE_BACKEND=local to run this instance alone';

/** Why this licence does not allow STATE_BACKEND=valkey, or undefined when it does (or the backend is local). */
export function scaleOutRefusal(backend: string, status: LicenseStatus): string | undefined {
  if (backend !== 'valkey' || hasFeature(status.entitlements, 'scale-out')) return undefined;
  const tier = status.claims?.tier;
  const what = status.entitlements
    ? `the ${tier ?? 'installed'} licence does not include the scale-out feature (it has: ${status.entitlements.features.join(', ') || 'no features'})`
    : `the licence is ${status.state} (${status.reason}), so no feature is licensed`;
  return `STATE_BACKEND=valkey needs the licence feature "scale-out": ${what}`;
}

/** Start-up: throw when STATE_BACKEND=valkey is not licensed. */
export function requireScaleOut(backend: string, status: LicenseStatus): void {
  const refusal = scaleOutRefusal(backend, status);
  if (refusal) throw new AppError('E_CONFIG_INVALID', refusal, { hint: SCALE_OUT_FIX });
}

/**
 * `serve`, before it opens the shared state (step 7): the installed licence verified read-only as
 * step 8 will (the install id is created here if this is the first start), so an unlicensed
 * STATE_BACKEND=valkey is refused before any connection to Valkey.
 */
export async function requireScaleOutLicense(config: Config, now = Date.now()): Promise<void> {
  if (config.env.STATE_BACKEND !== 'valkey') return;
  const secretsDir = config.paths.secretsDir;
  const { status } = await checkInstalledLicense({ secretsDir, anchor: embeddedTrustAnchor(), installId: ensureInstallId(secretsDir), clientCount: countClients(config.env.AUTH_CLIENTS) }, now);
  requireScaleOut(config.env.STATE_BACKEND, status);
}
