/** @module Doctor's licence row: the installed licence verified as serve does (read-only: no install id is created). */
import type { Config } from '../../config/load-config.ts';
import { checkInstalledLicense, countClients } from '../../license/check-license.ts';
import { readInstallId } from '../../license/install-id.ts';
import { embeddedTrustAnchor } from '../../license/trust-anchor.ts';
import { errorMessage } from '../../lib/errors.ts';
import { failed, pass, warn } from './doctor-result.ts';
import type { DoctorCheck } from './doctor-result.ts';

export async function checkLicense(config: Config, now: Date): Promise<DoctorCheck> {
  try {
    const installId = readInstallId(config.paths.secretsDir) ?? '';
    const { status, warnings } = await checkInstalledLicense({ secretsDir: config.paths.secretsDir, anchor: embeddedTrustAnchor(), installId, clientCount: countClients(config.env.AUTH_CLIENTS) }, now.getTime());
    const fix = status.action ?? 'install a licence: aibridge license install FILE (aibridge license show explains the state)';
    const detail = `${status.state}: ${status.reason}${warnings.length ? `; ${warnings.join('; ')}` : ''}`;
    if (status.state === 'VALID') return warnings.length ? warn('licence', detail, warnings.join('; ')) : pass('licence', detail);
    if (status.state === 'GRACE') return warn('licence', detail, fix);
    return failed('licence', detail, fix);
  } catch (err) {
    return failed('licence', `cannot check: ${errorMessage(err)}`, 'run aibridge license show for details');
  }
}
