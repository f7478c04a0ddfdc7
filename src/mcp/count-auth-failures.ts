/**
 * @module Counts refused bearer authentications on the routes this issue mounts, by client when
 * the (unverified) token names a configured client, else "unknown": metric labels never carry
 * free text from a request (TESTING.md T-SC-05).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';

/** Client names from AUTH_CLIENTS (`name:subject:profile[:mode]`, comma-separated). */
export function configuredClients(authClients: string): Set<string> {
  return new Set(authClients.split(',').map((e) => e.trim().split(':')[0]!).filter((n) => n !== ''));
}

/** The client a rejected token claims to be, if that is a configured client. */
export function claimedClient(header: string | undefined, known: ReadonlySet<string>): string {
  const token = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/.exec(header ?? '');
  if (!token || token[2]!.length > 8192) return 'unknown';
  try {
    const claims = JSON.parse(Buffer.from(token[2]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const c = claims.client_id ?? claims.azp;
    return typeof c === 'string' && known.has(c) ? c : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function countAuthFailures(metrics: AibridgeMetrics, inner: MiddlewareHandler<AppEnv>, authClients: string): MiddlewareHandler<AppEnv> {
  const known = configuredClients(authClients);
  return async function countAuthFailuresMiddleware(c, next) {
    const res = await inner(c, next);
    const status = res instanceof Response ? res.status : c.res.status;
    if (status === 401 && c.req.header('authorization') !== undefined) metrics.authFailure(claimedClient(c.req.header('authorization'), known));
    return res;
  };
}
