/**
 * @module DNS-rebinding protection on every route (MCP Security Best Practices; CVE-2025-66414):
 * the Host must match ALLOWED_HOSTS (`host:*` = any port) and an Origin, when present, must be in
 * ALLOWED_ORIGINS. Hosts are compared strictly: a trailing dot, userinfo, a list or an odd form is refused.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

export interface HostOriginGuardOptions {
  enabled: boolean;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Called once per refusal (TRANSPORT audit event). */
  onReject(reason: 'host' | 'origin', value: string, clientIp: string, path: string): void;
}

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const HOST_RE = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::(\d{1,5}))?$/;

/** True when `host` (a Host header value) matches one of the patterns. */
export function isHostAllowed(host: string, patterns: readonly string[]): boolean {
  if (!HOST_RE.test(host)) return false;
  const lower = host.toLowerCase();
  const cut = lower.lastIndexOf(':');
  const hasPort = cut > lower.lastIndexOf(']');
  const name = hasPort ? lower.slice(0, cut) : lower;
  const port = hasPort ? lower.slice(cut + 1) : '';
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === lower) return true;
    if (p.endsWith(':*') && p.slice(0, -2) === name) return true;
    if (!hasPort && p === name) return true;
    if (p === `${name}:${port}`) return true;
  }
  return false;
}

/** True when `origin` is exactly one of the allowed origins (scheme://host[:port], no path). */
export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  const o = origin.trim().toLowerCase().replace(/\/$/, '');
  return allowed.some((a) => a.trim().toLowerCase().replace(/\/$/, '') === o);
}

export function hostOriginGuard(options: HostOriginGuardOptions): MiddlewareHandler<AppEnv> {
  return async function hostOriginGuardMiddleware(c, next) {
    if (!options.enabled) return next();
    const host = c.req.header('host') ?? '';
    if (!isHostAllowed(host, options.allowedHosts)) {
      options.onReject('host', host, c.get('clientIp'), c.req.path);
      return c.json({ error: 'forbidden', message: 'Host header is not allowed for this server' }, 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !isOriginAllowed(origin, options.allowedOrigins)) {
      options.onReject('origin', origin, c.get('clientIp'), c.req.path);
      return c.json({ error: 'forbidden', message: 'Origin is not allowed for this server' }, 403);
    }
    return next();
  };
}
