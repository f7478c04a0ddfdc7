/**
 * @module The Hono app: its middleware order and its routes, written once here. Middleware:
 * request id + peer address → security headers → Host/Origin guard → request shape →
 * GET /health → Fail2Ban guard (every route after /health). Routes, in this order: OAuth and
 * discovery (auth/auth-routes.ts) → MCP endpoint → GET /status → GET /metrics → GET /readyz.
 * Start-up (server/start-server.ts) hands the typed parts in `AppRoutes`; nothing else mounts a
 * route. A new route is a new field of `AppRoutes` and one line below.
 */
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from './app-env.ts';
import { hostOriginGuard } from './host-origin-guard.ts';
import { requestShapeGuard } from './request-shape-guard.ts';
import { securityHeaders } from './security-headers.ts';
import { errorResponder } from './error-response.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { UnauthenticatedAudit } from '../audit/unauthenticated-audit.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { mountAuthRoutes } from '../auth/auth-routes.ts';
import { mountMcpRoute } from '../mcp/mcp-route.ts';
import type { McpRouteDeps } from '../mcp/mcp-route.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { mountStatusRoute } from './status-route.ts';
import type { StatusSource } from './status-route.ts';
import { mountMetricsRoute } from './metrics-route.ts';
import type { MetricsAccess } from './metrics-route.ts';
import { mountReadyzRoute } from './readyz-route.ts';
import type { ReadinessProbe } from './readyz-route.ts';

export interface AppDeps {
  config: Config; logger: Logger; audit: AuditLog;
  /** A transport violation from `ip` (counted towards Fail2Ban, issue #12 item 3). */
  onViolation?: (ip: string) => void;
  /** Called with the limiter so the caller can flush it at shutdown. */
  onUnauthenticatedAudit?: (limiter: UnauthenticatedAudit) => void;
  /** Refuses blocked source addresses on every route but /health (auth/fail2ban/). */
  fail2banGuard?: MiddlewareHandler<AppEnv>;
}

/** The routes the app serves; an absent one is not mounted (tests mount parts). */
export interface AppRoutes {
  /** Discovery documents, /revoke, and /authorize + /token when OAuth is on. */
  oauth?: { ctx: AuthContext; serverName: string };
  /** The Streamable HTTP endpoint at MCP_SERVER_URL_PATH. */
  mcp?: McpRouteDeps;
  /** GET /status behind `auth` (bearer). */
  status?: { auth: MiddlewareHandler<AppEnv>; source: StatusSource };
  /** GET /metrics (loopback, scrape allowlist, metrics token or an allowed client). */
  metrics?: { registry: Metrics; access: MetricsAccess };
  /** GET /readyz (no authentication). */
  readyz?: ReadinessProbe;
}

interface NodeBindings { incoming?: { socket?: { remoteAddress?: string } } }

export function buildApp(deps: AppDeps, routes: AppRoutes = {}): Hono<AppEnv> {
  const { config, logger, audit } = deps;
  const app = new Hono<AppEnv>();
  const unauthenticated = new UnauthenticatedAudit({ append: (cat, event, fields) => audit.append(cat, event, fields), ...(deps.onViolation ? { onViolation: deps.onViolation } : {}) });
  deps.onUnauthenticatedAudit?.(unauthenticated);
  app.use('*', async function requestContext(c, next) {
    const env = c.env as NodeBindings | undefined;
    c.set('clientIp', env?.incoming?.socket?.remoteAddress ?? 'unknown');
    c.set('requestId', randomUUID());
    c.set('principal', undefined);
    await next();
  });
  app.use('*', securityHeaders());
  app.use('*', hostOriginGuard({
    enabled: config.env.MCP_SERVER_SECURITY_TRANSPORT_ENABLED,
    allowedHosts: config.env.MCP_SERVER_SECURITY_ALLOWED_HOSTS,
    allowedOrigins: config.env.MCP_SERVER_SECURITY_ALLOWED_ORIGINS,
    onReject(reason, value, clientIp, path) {
      let written = true;
      try {
        written = unauthenticated.record(clientIp, 'TRANSPORT', reason === 'host' ? 'invalid_host' : 'invalid_origin', { source_ip: clientIp, path: path.slice(0, 256), [reason]: value.slice(0, 256) });
      } catch (err) {
        logger.error('audit_write_failed', { event: 'TRANSPORT', message: (err as Error).message });
      }
      if (written) logger.warning('request_refused', { reason: `${reason} not allowed`, value: value.slice(0, 256), source_ip: clientIp, path: path.slice(0, 256) });
    },
  }));
  app.use('*', requestShapeGuard({
    maxBodyBytes: config.env.HTTP_MAX_BODY_BYTES,
    acceptedTypes: ['application/json', 'application/x-www-form-urlencoded'],
  }));
  app.get('/health', (c) => c.text('ok'));
  if (deps.fail2banGuard) app.use('*', deps.fail2banGuard);
  if (routes.oauth) mountAuthRoutes(app, routes.oauth.ctx, routes.oauth.serverName);
  if (routes.mcp) mountMcpRoute(app, routes.mcp);
  if (routes.status) mountStatusRoute(app, routes.status.auth, routes.status.source);
  if (routes.metrics) mountMetricsRoute(app, routes.metrics.registry, routes.metrics.access);
  if (routes.readyz) mountReadyzRoute(app, routes.readyz);
  app.notFound((c) => c.json({ error: 'not_found', message: 'No such endpoint' }, 404));
  app.onError(errorResponder(logger));
  return app;
}
