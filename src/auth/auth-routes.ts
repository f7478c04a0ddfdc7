/**
 * @module Mount the auth routes (the fail2ban guard is placed by http/build-app.ts): the discovery
 * documents, /revoke always (JWT-mode tokens are revocable too), and /authorize + /token only
 * when OAuth is on. Other methods on these paths get 405 with Allow (RFC 9110 §15.5.6).
 */
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { requireContentType } from '../http/request-shape-guard.ts';
import type { AuthContext } from './auth-context.ts';
import { oauthEnabled } from './auth-context.ts';
import { mountMetadata } from './oauth/metadata-endpoints.ts';
import { tokenEndpoint } from './oauth/token-endpoint.ts';
import { revokeEndpoint } from './oauth/revoke-endpoint.ts';
import { authorizeGet, authorizePost } from './oauth/authorize-endpoint.ts';

const FORM = requireContentType(['application/x-www-form-urlencoded']);

function notAllowed(allow: string) {
  return function methodNotAllowed(c: Context<AppEnv>): Response {
    c.header('Allow', allow);
    c.header('Cache-Control', 'no-store');
    return c.json({ error: 'invalid_request', error_description: `Use ${allow} on this endpoint` }, 405);
  };
}

export function mountAuthRoutes(app: Hono<AppEnv>, ctx: AuthContext, serverName: string): void {
  mountMetadata(app, ctx);
  app.post('/revoke', FORM, revokeEndpoint(ctx));
  app.all('/revoke', notAllowed('POST'));
  if (!oauthEnabled(ctx)) return;
  app.post('/token', FORM, tokenEndpoint(ctx));
  app.all('/token', notAllowed('POST'));
  app.get('/authorize', authorizeGet(ctx, serverName));
  app.post('/authorize', FORM, authorizePost(ctx, serverName));
  app.all('/authorize', notAllowed('GET, POST'));
}
