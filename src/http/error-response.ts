/** @module The one error → HTTP response mapper: a code and a safe message, never a stack or path. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../lib/errors.ts';
import type { ErrorCode } from '../lib/errors.ts';
import type { Logger } from '../log/logger.ts';

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  E_INPUT_INVALID: 400, E_USAGE: 400, E_UNAUTHORIZED: 401, E_FORBIDDEN: 403, E_NOT_FOUND: 404,
  E_RATE_LIMITED: 429, E_AUDIT_WRITE: 503, E_CISCO_AUTH: 502, E_CISCO_FORBIDDEN: 502, E_CISCO_FAULT: 502,
  E_CISCO_PROTOCOL: 502, E_CISCO_THROTTLED: 503, E_CISCO_UNREACHABLE: 504, E_TIMEOUT: 504,
};

/** Build the app's onError handler. */
export function errorResponder(logger: Logger) {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof HTTPException) {
      const status = err.status;
      return c.json({ error: 'http_error', message: status === 413 ? 'Request body too large' : err.message || 'Request refused' }, status);
    }
    if (err instanceof AppError && err.code === 'E_STATE_UNAVAILABLE') {
      // Fail closed (scale-out issue): without the shared store no token, limit or session can be
      // checked. The outage is logged once by the connection, not once per request.
      c.header('Retry-After', '5');
      return c.json({ error: err.code, message: 'The shared state store is unavailable, so this server cannot check tokens, rate limits or sessions; try again shortly', hint: 'the operator: check Valkey (see app.log "state_store_unavailable")' }, 503);
    }
    if (err instanceof AppError) {
      const status = STATUS[err.code] ?? 500;
      if (status >= 500) {
        // Server-side failures can name files and hosts: the detail goes to app.log only (T-TR-14).
        logger.error('request_failed', { path: c.req.path, code: err.code, message: err.message, hint: err.hint });
        return c.json({ error: err.code, message: 'The server could not complete the request; the operator can find the cause in app.log' }, status);
      }
      return c.json({ error: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }, status);
    }
    logger.error('request_failed', { path: c.req.path, message: err.message });
    return c.json({ error: 'internal_error', message: 'Internal server error; see app.log for details' }, 500);
  };
}
