/**
 * @module GET /readyz (no authentication, like /health): 200 `{status:"ready"}` when every
 * readiness check passes, otherwise 503 naming each failing check and why, so a load balancer or
 * a container HEALTHCHECK stops sending traffic. /health stays liveness only. Never a secret.
 */
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';

export interface ReadinessCheck { name: string; ok: boolean; detail: string }

/** Checks are evaluated per request (cheap reads of state the server already holds). */
export type ReadinessProbe = () => Promise<ReadinessCheck[]> | ReadinessCheck[];

export function mountReadyzRoute(app: Hono<AppEnv>, probe: ReadinessProbe): void {
  app.get('/readyz', async (c) => {
    const checks = await probe();
    c.header('Cache-Control', 'no-store');
    const failing = checks.filter((x) => !x.ok);
    const body = { status: failing.length === 0 ? 'ready' : 'not_ready', checks: Object.fromEntries(checks.map((x) => [x.name, { ok: x.ok, detail: x.detail }])) };
    if (failing.length === 0) return c.json(body, 200);
    return c.json({ ...body, failing: failing.map((x) => `${x.name}: ${x.detail}`) }, 503);
  });
}
