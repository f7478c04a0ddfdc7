/**
 * @module Step "routes": /readyz from what start-up already holds: the RSA keys and serving
 * certificate are loaded, the audit log is writable, the integrity check passed (skipped from
 * source), and the licence is VALID or GRACE. The licence state comes from the licence watchdog
 * when it publishes one in /status; otherwise the installed licence is verified here (cached 30 s).
 * With STATE_BACKEND=valkey the shared state store must answer too, and the live licence must include
 * the `scale-out` feature (a licence replaced at run time by one without it takes the instance out
 * of the load balancer; `serve` refuses to start without it).
 */
import { checkInstalledLicense, countClients } from '../license/check-license.ts';
import { readInstallId } from '../license/install-id.ts';
import { embeddedTrustAnchor } from '../license/trust-anchor.ts';
import { mountReadyzRoute } from '../http/readyz-route.ts';
import type { ReadinessCheck } from '../http/readyz-route.ts';
import type { ServerPlugin, ServerRuntime } from './server-runtime.ts';
import { SCALE_OUT_FIX, scaleOutRefusal } from '../license/scale-out.ts';

const LICENSE_CACHE_MS = 30_000;

function licenseProbe(runtime: ServerRuntime): () => Promise<ReadinessCheck> {
  let cached: { at: number; check: ReadinessCheck } | undefined;
  return async () => {
    const published = runtime.status.license as { state?: string; reason?: string } | undefined;
    const judge = (state: string, reason: string): ReadinessCheck => ({ name: 'license', ok: state === 'VALID' || state === 'GRACE', detail: `${state}: ${reason}` });
    if (published?.state) return judge(published.state, published.reason ?? '');
    if (cached && Date.now() - cached.at < LICENSE_CACHE_MS) return cached.check;
    const { secretsDir } = runtime.config.paths;
    const { status } = await checkInstalledLicense({ secretsDir, anchor: embeddedTrustAnchor(), installId: readInstallId(secretsDir) ?? '', clientCount: countClients(runtime.config.env.AUTH_CLIENTS) }, Date.now());
    cached = { at: Date.now(), check: judge(status.state, status.reason) };
    return cached.check;
  };
}

/** STATE_BACKEND=valkey: the shared store answers (a PING within the command timeout). */
async function stateProbe(runtime: ServerRuntime): Promise<ReadinessCheck> {
  const r = await runtime.state!.ready();
  return { name: 'state_store', ok: r.ok, detail: r.ok ? 'Valkey answers' : `unreachable: ${r.reason}` };
}

/** STATE_BACKEND=valkey: the licence as the watchdog holds it now includes scale-out. */
function scaleOutProbe(runtime: ServerRuntime): ReadinessCheck {
  const status = runtime.license?.watchdog.status;
  if (!status) return { name: 'scale_out', ok: false, detail: 'the licence has not been checked yet' };
  const refusal = scaleOutRefusal('valkey', status);
  return { name: 'scale_out', ok: refusal === undefined, detail: refusal ? `${refusal}; ${SCALE_OUT_FIX}` : 'the licence includes scale-out' };
}

export function readinessChecks(runtime: ServerRuntime): () => Promise<ReadinessCheck[]> {
  const license = licenseProbe(runtime);
  return async () => {
    const integrity = runtime.status.integrity as { state?: string; problems?: string[] } | undefined;
    return [
      { name: 'keys', ok: runtime.rsa !== undefined && runtime.cert !== undefined, detail: runtime.rsa && runtime.cert ? 'RSA key pair and TLS certificate loaded' : 'keys not loaded' },
      { name: 'audit_log', ok: runtime.audit.healthy, detail: runtime.audit.healthy ? 'writable' : `not writable: ${runtime.audit.lastError ?? 'last append failed'}` },
      { name: 'integrity', ok: integrity?.state === 'ok' || integrity?.state === 'skipped', detail: integrity?.state === 'tampered' ? `failed: ${integrity.problems?.[0] ?? 'see aibridge integrity'}` : (integrity?.state ?? 'not checked yet') },
      await license().catch((err: unknown) => ({ name: 'license', ok: false, detail: `cannot be checked: ${(err as Error).message}` })),
      ...(runtime.state?.kind === 'valkey' ? [await stateProbe(runtime), scaleOutProbe(runtime)] : []),
    ];
  };
}

export const READINESS_PLUGIN: ServerPlugin = {
  name: 'readiness',
  step: 'routes',
  run(runtime) {
    const probe = readinessChecks(runtime);
    runtime.extensions.push((app) => mountReadyzRoute(app, probe));
  },
};
