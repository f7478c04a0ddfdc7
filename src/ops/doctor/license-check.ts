/** @module Doctor's licence row: the installed licence verified as serve does (read-only: no install id is created). */
import type { Config } from '../../config/load-config.ts';
import { checkInstalledLicense, countClients } from '../../license/check-license.ts';
import { readInstallId } from '../../license/install-id.ts';
import { embeddedTrustAnchor } from '../../license/trust-anchor.ts';
import { errorMessage } from '../../lib/errors.ts';
import { failed, pass, warn } from './doctor-result.ts';
import { SCALE_OUT_FIX, scaleOutRefusal } from '../../license/scale-out.ts';
import type { DoctorCheck } from './doctor-result.ts';

/** The licence row, and with STATE_BACKEND=valkey a `scale-out` row (serve refuses to start without the feature). */
export async function checkLicense(config: Config, now: Date): Promise<DoctorCheck[]> {
  const backend = config.env.STATE_BACKEND;
  try {
    const installId = readInstallId(config.paths.secretsDir) ?? '';
    const { status, warnings } = await checkInstalledLicense({ secretsDir: config.paths.secretsDir, anchor: embeddedTrustAnchor(), installId, clientCount: countClients(config.env.AUTH_CLIENTS) }, now.getTime());
    const fix = status.action ?? 'install a licence: aibridge license install FILE (aibridge license show explains the state)';
    const detail = `${status.state}: ${status.reason}${warnings.length ? `; ${warnings.join('; ')}` : ''}`;
    const refusal = scaleOutRefusal(backend, status);
    const scaleOut = backend === 'valkey' ? [refusal ? failed('scale-out', refusal, SCALE_OUT_FIX) : pass('scale-out', 'STATE_BACKEND=valkey: the licence includes scale-out')] : [];
    if (status.state === 'VALID') return [warnings.length ? warn('licence', detail, warnings.join('; ')) : pass('licence', detail), ...scaleOut];
    if (status.state === 'GRACE') return [warn('licence', detail, fix), ...scaleOut];
    return [failed('licence', detail, fix), ...scaleOut];
  } catch (err) {
    return [failed('licence', `cannot check: ${errorMessage(err)}`, 'run aibridge license show for details')];
  }
}
