/**
 * @module POST /token (RFC 6749 §3.2): client_credentials (§4.4, confidential clients only),
 * authorization_code with PKCE S256 (§4.1.3, RFC 7636 §4.5), refresh_token with rotation and
 * reuse detection (OAuth 2.1 §4.3). Every answer is `Cache-Control: no-store` (§5.1).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import { auditRefusal, countFailure } from '../auth-context.ts';
import { readOAuthForm } from './oauth-form.ts';
import { oauthError, noStore } from './oauth-error.ts';
import { tokenClient } from './token-client.ts';
import type { GrantRefusal } from './token-client.ts';
import { SecretCheckBusyError } from '../clients/client-secret.ts';
import { issueAccessToken } from './issue-access-token.ts';
import { redeemCode } from './token-authorization-code.ts';
import { refreshGrant } from './token-refresh.ts';
import { checkResource, checkScope } from './grant-checks.ts';

async function clientCredentialsGrant(ctx: AuthContext, c: Context<AppEnv>, params: Map<string, string>): Promise<Response | GrantRefusal> {
  const client = await tokenClient(ctx, c, params);
  if (!client.ok) return client.refusal;
  const scope = checkScope(params.get('scope'));
  if (!scope.ok) return { error: 'invalid_scope', description: scope.description, reason: 'bad_scope', client: client.spec.name };
  const resource = checkResource(params.get('resource'), ctx.settings.resource);
  if (!resource.ok) return { error: 'invalid_target', description: resource.description, reason: 'bad_resource', client: client.spec.name };
  const issued = await issueAccessToken(ctx, {
    spec: client.spec, audience: [resource.value ?? ctx.settings.audience], scope: scope.value, grant: 'client_credentials', ip: c.get('clientIp'),
  });
  noStore(c);
  return c.json(issued.body);
}

export function tokenEndpoint(ctx: AuthContext) {
  return async function tokenHandler(c: Context<AppEnv>): Promise<Response> {
    const ip = c.get('clientIp');
    const form = await readOAuthForm(c);
    if (!form.ok) return oauthError(c, 'invalid_request', form.description);
    const grant = form.params.get('grant_type');
    let out: Response | GrantRefusal;
    try {
      if (grant === 'client_credentials') out = await clientCredentialsGrant(ctx, c, form.params);
      else if (grant === 'authorization_code') out = await redeemCode(ctx, c, form.params);
      else if (grant === 'refresh_token') out = await refreshGrant(ctx, c, form.params);
      else if (grant === undefined) out = { error: 'invalid_request', description: 'grant_type is required', reason: 'no_grant_type' };
      else out = { error: 'unsupported_grant_type', description: 'Supported grant types: authorization_code, refresh_token, client_credentials', reason: 'unsupported_grant_type' };
    } catch (err) {
      if (err instanceof SecretCheckBusyError) return oauthError(c, 'temporarily_unavailable', 'The server is busy; retry shortly');
      throw err;
    }
    if (out instanceof Response) return out;
    if (out.reason !== 'counted') {
      auditRefusal(ctx, 'token_refused', { source_ip: ip, client: out.client, grant: grant?.slice(0, 40), error: out.error, reason: out.reason });
      if (out.error === 'invalid_client' || out.error === 'invalid_grant') await countFailure(ctx, ip);
    }
    return oauthError(c, out.error, out.description);
  };
}
