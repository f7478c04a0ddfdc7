/**
 * @module Start-up step 7: parse AUTH_CLIENTS, sync `clients/`, build the token verifier and
 * Fail2Ban on the shared state, and hand on the typed auth handle (the OAuth routes are mounted
 * from it by http/build-app.ts).
 */
import type { KeyObject } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { SharedState } from '../state/shared-state.ts';
import { AppError, errorMessage } from '../lib/errors.ts';
import type { AuthContext } from './auth-context.ts';
import { buildAuthContext } from './build-auth-context.ts';
import { syncClients } from './clients/sync-clients.ts';
import { authenticate } from './authenticate.ts';
import { fail2banGuard } from './fail2ban/fail2ban-guard.ts';
import { revokeAccessTokens } from './tokens/revoke-issued.ts';
import { publishLocalRevocations, startRevocationSync } from '../state/open-shared-state.ts';

const SWEEP_INTERVAL_MS = 30_000;

/** What step 7 hands on: bearer authentication, Fail2Ban and the live auth state. */
export interface AuthHandle {
  /** For the OAuth and discovery routes (auth/auth-routes.ts). */
  ctx: AuthContext;
  /** Sets `principal` or answers 401 with WWW-Authenticate (RFC 6750, RFC 9728). */
  authenticate: MiddlewareHandler<AppEnv>;
  /** Refuses blocked source addresses (429 + Retry-After); placed by http/build-app.ts. */
  fail2banGuard: MiddlewareHandler<AppEnv>;
  /** Count a transport violation (forged Host/Origin) from `ip` towards Fail2Ban. */
  countViolation(ip: string): void;
  mode: string;
  clients: number;
  /** Source addresses blocked by Fail2Ban now. */
  blockedCount(): number;
  /** Stops the revocation sync and the unblock sweeper (the shared state is closed by its owner). */
  close(): void;
}

export interface OpenAuthOptions {
  config: Config;
  logger: Logger;
  audit: AuditLog;
  rsa: { privateKey: KeyObject; publicKey: KeyObject };
  state: SharedState;
}

/** Build the context; a bad AUTH_CLIENTS is audited (nothing has changed yet) and stops start-up. */
async function loadAuth(o: OpenAuthOptions): Promise<AuthContext> {
  try {
    return await buildAuthContext({ config: o.config, rsa: o.rsa, audit: o.audit, logger: o.logger, state: o.state });
  } catch (err) {
    if (err instanceof AppError && err.code === 'E_CONFIG_INVALID') o.audit.append('AUTH', 'clients_config_invalid', { message: err.message });
    throw err;
  }
}

export async function openAuth(o: OpenAuthOptions): Promise<AuthHandle> {
  const ctx = await loadAuth(o);
  const e = o.config.env;
  const report = await syncClients({
    specs: [...ctx.clients.values()], files: ctx.files, keys: ctx.keys, issuer: ctx.settings.issuer, audience: ctx.settings.audience,
    tokenLifetimeSeconds: ctx.settings.jwtLifetimeSeconds, revoked: ctx.revokedFile, audit: ctx.audit, now: ctx.now(),
    onPurge: async (name) => revokeAccessTokens(ctx, await ctx.refresh.revokeClient(name), { client: name, reason: 'client purged' }),
  });
  o.logger.info('clients_synchronised', { mode: e.AUTH_MODE, clients: ctx.clients.size, ...report });
  await publishLocalRevocations(ctx.state, o.config);
  const stopSync = startRevocationSync(ctx.state, o.config);
  // Audit ended IP blocks even when no request arrives to notice them.
  const sweeper = setInterval(() => {
    ctx.fail2ban.sweep().catch((err: unknown) => o.logger.error('fail2ban_sweep_failed', { message: errorMessage(err) }));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  return {
    ctx, authenticate: authenticate(ctx), fail2banGuard: fail2banGuard(ctx), mode: e.AUTH_MODE, clients: ctx.clients.size,
    countViolation: (ip) => { ctx.fail2ban.recordFailure(ip).catch((err: unknown) => o.logger.error('fail2ban_count_failed', { message: errorMessage(err) })); },
    blockedCount: () => ctx.fail2ban.blockedCount(),
    close() { clearInterval(sweeper); stopSync(); },
  };
}
