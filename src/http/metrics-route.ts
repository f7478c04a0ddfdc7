/**
 * @module GET /metrics: Prometheus text format, no authentication (operations guide). Reads
 * in-process counters and gauges only; it never contacts a Cisco node.
 */
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { CONTENT_TYPE, renderPrometheus } from '../metrics/prometheus-text.ts';

export function mountMetricsRoute(app: Hono<AppEnv>, metrics: Metrics): void {
  app.get('/metrics', (c) => {
    c.header('Content-Type', CONTENT_TYPE);
    c.header('Cache-Control', 'no-store');
    return c.body(renderPrometheus(metrics.families()));
  });
}
