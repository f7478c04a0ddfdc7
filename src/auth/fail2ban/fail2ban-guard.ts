/**
 * @module Refuse every request from a blocked address (all routes but /health, which the app
 * answers before any extension) with 429 and Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';

export function blockedResponse(c: Context<AppEnv>, retryAfterSeconds: number): Response {
  c.header('Retry-After', String(Math.max(1, retryAfterSeconds)));
  return c.json({ error: 'too_many_failures', message: 'Too many failed authentication attempts from this address; try again later' }, 429);
}

export function fail2banGuard(ctx: AuthContext): MiddlewareHandler<AppEnv> {
  return async function fail2banGuardMiddleware(c, next) {
    const until = await ctx.fail2ban.blockedUntil(c.get('clientIp'));
    if (until !== undefined) return blockedResponse(c, until - ctx.now());
    c.set('addressNotBlocked', true);
    return next();
  };
}
