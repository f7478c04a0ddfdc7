/**
 * @module `aibridge license install FILE`: verify the file as this install would (key, install id,
 * client count, time) and refuse anything that is not VALID or GRACE; then write
 * secrets/license.jwt atomically with mode 600 (a running server's watchdog picks it up).
 */
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { AppError } from '../lib/errors.ts';
import { LicenseFileError, readLicenseFile } from './license-file.ts';
import { checkToken, licensePath } from './check-license.ts';
import type { LicenseCheckInputs } from './check-license.ts';
import type { LicenseStatus } from './verify-license.ts';

export async function installLicense(file: string, inputs: LicenseCheckInputs, now: number): Promise<LicenseStatus> {
  let token: string;
  try {
    token = readLicenseFile(file).token;
  } catch (err) {
    if (err instanceof LicenseFileError) throw new AppError('E_INPUT_INVALID', err.message, { hint: 'nothing was installed' });
    throw err;
  }
  const status = await checkToken(token, inputs, now);
  if (status.state !== 'VALID' && status.state !== 'GRACE') {
    throw new AppError('E_INPUT_INVALID', `refused: the licence is ${status.state}: ${status.reason}`, { hint: `nothing was installed; ${status.action ?? 'ask your vendor for a new licence'}` });
  }
  writeFileAtomicSync(licensePath(inputs.secretsDir), `${token}\n`, { mode: 0o600, dirMode: 0o700 });
  return status;
}
