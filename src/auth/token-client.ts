/**
 * @module Identify the client of a token request: authenticated with its secret (Basic or POST),
 * or, for the authorization_code and refresh_token grants, a public client by client_id alone
 * (PKCE and refresh rotation protect those; OAuth 2.1 §2.1).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { AuthContext } from './auth-context.ts';
import type { OAuthErrorCode } from './oauth-error.ts';
import { readClientCredentials, verifyClientSecret } from './client-authentication.ts';
import type { ClientSpec } from './client-spec.ts';
import { usesOAuth } from './client-spec.ts';

/** A refusal the endpoint answers with: audited, counted for fail2ban, RFC 6749 JSON. */
export interface GrantRefusal { error: OAuthErrorCode; description: string; reason: string; client?: string }

export type ClientResult = { ok: true; spec: ClientSpec; authenticated: boolean } | { ok: false; refusal: GrantRefusal };

/** Authenticate (or, where allowed, identify) the client of a token request. */
export async function tokenClient(ctx: AuthContext, c: Context<AppEnv>, params: Map<string, string>, allowPublic: boolean): Promise<ClientResult> {
  const ip = c.get('clientIp');
  const read = readClientCredentials(c, params);
  if (!read.ok) return { ok: false, refusal: { error: 'invalid_client', description: read.description, reason: 'malformed_client_auth' } };
  const cred = read.credentials;
  if (!cred) return { ok: false, refusal: { error: 'invalid_client', description: 'Client authentication is required', reason: 'no_client_auth' } };
  if (cred.method === 'none') {
    const spec = ctx.clients.get(cred.clientId);
    if (!allowPublic || !spec || !usesOAuth(spec)) return { ok: false, refusal: { error: 'invalid_client', description: 'Client authentication failed', reason: allowPublic ? 'unknown_client' : 'secret_required', client: cred.clientId.slice(0, 64) } };
    return { ok: true, spec, authenticated: false };
  }
  const spec = await verifyClientSecret(ctx, ip, cred.clientId, cred.secret, 'token');
  if (!spec) return { ok: false, refusal: { error: 'invalid_client', description: 'Client authentication failed', reason: 'counted' } };
  return { ok: true, spec, authenticated: true };
}
