/**
 * @module One licence check of an install: read secrets/license.jwt (license-file.ts), verify it
 * (verify-license.ts) against this install's id and client count, and note a file mode wider
 * than 600. Used at start-up (step 8), by the watchdog and by `aibridge license show`.
 */
import { join } from 'node:path';
import { LicenseFileError, readLicenseFile } from './license-file.ts';
import { unreadableLicense, verifyLicense } from './verify-license.ts';
import type { LicenseStatus } from './verify-license.ts';
import type { TrustAnchor } from './trust-anchor.ts';

export const LICENSE_FILE = 'license.jwt';

export interface LicenseCheck {
  status: LicenseStatus;
  /** Problems that do not change the state (e.g. file mode wider than 600). */
  warnings: string[];
}

export interface LicenseCheckInputs {
  secretsDir: string;
  anchor: TrustAnchor;
  installId: string;
  clientCount: number;
}

/** Number of clients AUTH_CLIENTS configures (entries are validated by the auth layer). */
export function countClients(authClients: string): number {
  return authClients.split(',').map((s) => s.trim()).filter(Boolean).length;
}

export function licensePath(secretsDir: string): string {
  return join(secretsDir, LICENSE_FILE);
}

/** Mode warning for an installed licence file, or undefined when it is 600 or narrower. */
export function modeWarning(mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return `secrets/${LICENSE_FILE} has mode ${mode.toString(8)}, wider than 600; run "chmod 600 secrets/${LICENSE_FILE}" (aibridge license install writes it with 600)`;
}

/** Verify a token that is not (yet) installed: `license install` checks a file before writing it. */
export async function checkToken(token: string, inputs: LicenseCheckInputs, now: number): Promise<LicenseStatus> {
  return verifyLicense(token, { anchor: inputs.anchor, now, installId: inputs.installId, clientCount: inputs.clientCount });
}

export async function checkInstalledLicense(inputs: LicenseCheckInputs, now: number): Promise<LicenseCheck> {
  let file;
  try {
    file = readLicenseFile(licensePath(inputs.secretsDir), { name: `secrets/${LICENSE_FILE}`, noFollow: true });
  } catch (err) {
    if (err instanceof LicenseFileError) return { status: unreadableLicense(now, err.message), warnings: [] };
    throw err;
  }
  const warning = modeWarning(file.mode);
  return { status: await checkToken(file.token, inputs, now), warnings: warning ? [warning] : [] };
}
