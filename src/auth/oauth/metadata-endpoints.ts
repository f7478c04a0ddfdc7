/**
 * @module Discovery documents: RFC 8414 authorization server metadata (only when OAuth is on)
 * and RFC 9728 protected resource metadata, at the root and path-suffixed for the MCP path
 * (§3.1), so MCP clients find the AS from the 401 alone.
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import { oauthEnabled } from '../auth-context.ts';
import { SUPPORTED_SCOPES } from './grant-checks.ts';

export function authorizationServerMetadata(ctx: AuthContext): Record<string, unknown> {
  const iss = ctx.settings.issuer;
  return {
    issuer: iss,
    authorization_endpoint: `${iss}/authorize`,
    token_endpoint: `${iss}/token`,
    revocation_endpoint: `${iss}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...SUPPORTED_SCOPES],
    authorization_response_iss_parameter_supported: true,
  };
}

export function protectedResourceMetadata(ctx: AuthContext): Record<string, unknown> {
  return {
    resource: ctx.settings.resource,
    ...(oauthEnabled(ctx) ? { authorization_servers: [ctx.settings.issuer] } : {}),
    bearer_methods_supported: ['header'],
    scopes_supported: [...SUPPORTED_SCOPES],
  };
}

export function mountMetadata(app: Hono<AppEnv>, ctx: AuthContext): void {
  const prm = (): Record<string, unknown> => protectedResourceMetadata(ctx);
  app.get('/.well-known/oauth-protected-resource', (c) => c.json(prm()));
  if (ctx.settings.mcpPath !== '/') app.get(`/.well-known/oauth-protected-resource${ctx.settings.mcpPath}`, (c) => c.json(prm()));
  if (oauthEnabled(ctx)) app.get('/.well-known/oauth-authorization-server', (c) => c.json(authorizationServerMetadata(ctx)));
}
