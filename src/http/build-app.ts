/**
 * @module The Hono app and its middleware order, written once here: request id + peer address →
 * security headers → Host/Origin guard → request shape → GET /health → Fail2Ban guard (every
 * route after /health) → routes. Later issues add routes through `extensions`, never middleware
 * that must run before them.
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

export interface AppDeps {
  config: Config; logger: Logger; audit: AuditLog;
  /** A transport violation from `ip` (counted towards Fail2Ban, issue #12 item 3). */
  onViolation?: (ip: string) => void;
  /** Called with the limiter so the caller can flush it at shutdown. */
  onUnauthenticatedAudit?: (limiter: UnauthenticatedAudit) => void;
  /** Refuses blocked source addresses on every route but /health (auth/fail2ban/). */
  fail2banGuard?: MiddlewareHandler<AppEnv>;
}

/** A function that mounts routes or middleware on the app (auth, MCP, status, metrics…). */
export type AppExtension = (app: Hono<AppEnv>) => void;

interface NodeBindings { incoming?: { socket?: { remoteAddress?: string } } }

export function buildApp(deps: AppDeps, extensions: readonly AppExtension[] = []): Hono<AppEnv> {
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
  for (const extend of extensions) extend(app);
  app.notFound((c) => c.json({ error: 'not_found', message: 'No such endpoint' }, 404));
  app.onError(errorResponder(logger));
  return app;
}
