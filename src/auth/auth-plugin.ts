/**
 * @module The auth server plugin (start-up step 7): parse AUTH_CLIENTS, sync `clients/`, build
 * the token verifier, set `runtime.auth` (typed handle), and mount the OAuth/discovery routes.
 */
import type { ServerPlugin, ServerRuntime } from '../server/server-runtime.ts';
import type { AppExtension } from '../http/build-app.ts';
import { AppError, errorMessage } from '../lib/errors.ts';
import type { AuthContext } from './auth-context.ts';
import { buildAuthContext } from './build-auth-context.ts';
import { syncClients } from './clients/sync-clients.ts';
import { authenticate } from './authenticate.ts';
import { mountAuthRoutes } from './auth-routes.ts';
import { fail2banGuard } from './fail2ban/fail2ban-guard.ts';
import { revokeAccessTokens } from './tokens/revoke-issued.ts';
import { publishLocalRevocations, startRevocationSync } from '../state/open-shared-state.ts';

const SWEEP_INTERVAL_MS = 30_000;

/** Build the context; a bad AUTH_CLIENTS is audited (nothing has changed yet) and stops start-up. */
async function loadAuth(runtime: ServerRuntime): Promise<AuthContext> {
  if (!runtime.rsa) throw new AppError('E_INTERNAL', 'The RSA key pair is not loaded before the clients step', { hint: 'report this as a bug' });
  try {
    return await buildAuthContext({ config: runtime.config, rsa: runtime.rsa, audit: runtime.audit, logger: runtime.logger });
  } catch (err) {
    if (err instanceof AppError && err.code === 'E_CONFIG_INVALID') runtime.audit.append('AUTH', 'clients_config_invalid', { message: err.message });
    throw err;
  }
}

/** Audit ended IP blocks even when no request arrives to notice them. */
function startUnblockSweeper(runtime: ServerRuntime, ctx: AuthContext): void {
  const timer = setInterval(() => {
    ctx.fail2ban.sweep().catch((err: unknown) => runtime.logger.error('fail2ban_sweep_failed', { message: errorMessage(err) }));
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  runtime.onShutdown.push(() => clearInterval(timer));
}

export const AUTH_PLUGIN: ServerPlugin = {
  name: 'auth',
  step: 'clients',
  async run(runtime: ServerRuntime) {
    const ctx = await loadAuth(runtime);
    const e = runtime.config.env;
    const report = await syncClients({
      specs: [...ctx.clients.values()], files: ctx.files, keys: ctx.keys, issuer: ctx.settings.issuer, audience: ctx.settings.audience,
      tokenLifetimeSeconds: ctx.settings.jwtLifetimeSeconds, revoked: ctx.revokedFile, audit: ctx.audit, now: ctx.now(),
      onPurge: async (name) => revokeAccessTokens(ctx, await ctx.refresh.revokeClient(name), { client: name, reason: 'client purged' }),
    });
    runtime.logger.info('clients_synchronised', { mode: e.AUTH_MODE, clients: ctx.clients.size, ...report });
    runtime.state = ctx.state;
    await publishLocalRevocations(ctx.state, runtime.config);
    const stopSync = startRevocationSync(ctx.state, runtime.config);
    runtime.onShutdown.push(async () => { stopSync(); await ctx.state.close(); });
    runtime.status.state = { backend: ctx.state.kind, instance: ctx.state.instance };
    runtime.countViolation = (ip) => { ctx.fail2ban.recordFailure(ip).catch((err: unknown) => runtime.logger.error('fail2ban_count_failed', { message: errorMessage(err) })); };
    startUnblockSweeper(runtime, ctx);
    runtime.auth = {
      authenticate: authenticate(ctx), fail2banGuard: fail2banGuard(ctx), mode: e.AUTH_MODE, clients: ctx.clients.size,
      blockedCount: () => ctx.fail2ban.blockedCount(),
    };
    const extension: AppExtension = (app) => mountAuthRoutes(app, ctx, e.MCP_SERVER_NAME);
    runtime.extensions.push(extension);
  },
};
