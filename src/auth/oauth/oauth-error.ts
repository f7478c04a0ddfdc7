/**
 * @module RFC 6749 §5.2 error responses: JSON `{error, error_description}`, never cached
 * (§5.1), and for `invalid_client` with Basic auth a 401 with WWW-Authenticate (§5.2).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../http/app-env.ts';

export type OAuthErrorCode =
  | 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type'
  | 'invalid_scope' | 'invalid_target' | 'unsupported_token_type' | 'temporarily_unavailable' | 'server_error';

export function noStore(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
}

export function oauthError(c: Context<AppEnv>, error: OAuthErrorCode, description: string, status?: ContentfulStatusCode): Response {
  noStore(c);
  const code = status ?? (error === 'invalid_client' ? 401 : error === 'temporarily_unavailable' ? 503 : error === 'server_error' ? 500 : 400);
  if (code === 401) c.header('WWW-Authenticate', 'Basic realm="aibridge", charset="UTF-8"');
  return c.json({ error, error_description: description }, code);
}
