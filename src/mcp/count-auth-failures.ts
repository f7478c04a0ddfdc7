/**
 * @module Counts refused bearer authentications on the routes this issue mounts. Rule (issue #12
 * item 10, T-SC-05): a metric label comes only from a verified identity. A refused token is by
 * definition unverified — whatever client it claims to be is attacker-chosen — so every refusal
 * is counted in the one `unknown` series; nobody can inflate another client's count.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';

export function countAuthFailures(metrics: AibridgeMetrics, inner: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return async function countAuthFailuresMiddleware(c, next) {
    const res = await inner(c, next);
    const status = res instanceof Response ? res.status : c.res.status;
    if (status === 401 && c.req.header('authorization') !== undefined) metrics.authFailure('unknown');
    return res;
  };
}
