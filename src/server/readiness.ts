/**
 * @module The /readyz checks, from what start-up already holds: the RSA keys and serving
 * certificate are loaded (the server cannot listen without them), the audit log is writable, the
 * integrity check passed (skipped from source), the licence is VALID or GRACE (the licence
 * watchdog's current state) and, with STATE_BACKEND=valkey, the shared state store answers and
 * the live licence includes the `scale-out` feature (a licence replaced at run time by one without
 * it takes the instance out of the load balancer; `serve` refuses to start without it).
 */
import type { ReadinessCheck, ReadinessProbe } from '../http/readyz-route.ts';
import type { ServerHandles } from './server-handles.ts';
import { SCALE_OUT_FIX, scaleOutRefusal } from '../license/scale-out.ts';

type Deps = Pick<ServerHandles, 'audit' | 'integrity' | 'license' | 'state'>;

function licenseCheck(d: Deps): ReadinessCheck {
  const { state, reason } = d.license.report();
  return { name: 'license', ok: state === 'VALID' || state === 'GRACE', detail: `${state}: ${reason}` };
}

/** STATE_BACKEND=valkey: the shared store answers (a PING within the command timeout). */
async function stateCheck(d: Deps): Promise<ReadinessCheck> {
  const r = await d.state.ready();
  return { name: 'state_store', ok: r.ok, detail: r.ok ? 'Valkey answers' : `unreachable: ${r.reason}` };
}

/** STATE_BACKEND=valkey: the licence as the watchdog holds it now includes scale-out. */
function scaleOutCheck(d: Deps): ReadinessCheck {
  const refusal = scaleOutRefusal('valkey', d.license.watchdog.status);
  return { name: 'scale_out', ok: refusal === undefined, detail: refusal ? `${refusal}; ${SCALE_OUT_FIX}` : 'the licence includes scale-out' };
}

export function readinessProbe(d: Deps): ReadinessProbe {
  return async () => {
    const integrity = d.integrity.status();
    return [
      { name: 'keys', ok: true, detail: 'RSA key pair and TLS certificate loaded' },
      { name: 'audit_log', ok: d.audit.healthy, detail: d.audit.healthy ? 'writable' : `not writable: ${d.audit.lastError ?? 'last append failed'}` },
      { name: 'integrity', ok: integrity.state !== 'tampered', detail: integrity.state === 'tampered' ? `failed: ${integrity.problems[0] ?? 'see aibridge integrity'}` : integrity.state },
      licenseCheck(d),
      ...(d.state.kind === 'valkey' ? [await stateCheck(d), scaleOutCheck(d)] : []),
    ];
  };
}
