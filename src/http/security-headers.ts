/** @module Response headers on every answer: no caching of secrets, no sniffing, no framing, HSTS. */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const h = c.res.headers;
    h.set('Strict-Transport-Security', 'max-age=31536000');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    h.delete('X-Powered-By');
    h.delete('Server');
  };
}
