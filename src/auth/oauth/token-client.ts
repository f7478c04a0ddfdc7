/**
 * @module Authenticate the client of a token request with its secret (client_secret_basic or
 * client_secret_post, RFC 6749 §2.3.1). Every aibridge client is confidential, so every grant
 * requires it (OAuth 2.1 §3.2.1): a stolen code plus verifier, or a stolen refresh token, is not
 * enough on its own.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import type { OAuthErrorCode } from './oauth-error.ts';
import { readClientCredentials, verifyClientSecret } from './client-authentication.ts';
import type { ClientSpec } from '../clients/client-spec.ts';

/** A refusal the endpoint answers with: audited, counted for fail2ban, RFC 6749 JSON. */
export interface GrantRefusal { error: OAuthErrorCode; description: string; reason: string; client?: string }

export type ClientResult = { ok: true; spec: ClientSpec } | { ok: false; refusal: GrantRefusal };

export async function tokenClient(ctx: AuthContext, c: Context<AppEnv>, params: Map<string, string>): Promise<ClientResult> {
  const read = readClientCredentials(c, params);
  if (!read.ok) return { ok: false, refusal: { error: 'invalid_client', description: read.description, reason: 'malformed_client_auth' } };
  const cred = read.credentials;
  if (!cred || cred.method === 'none') {
    return { ok: false, refusal: { error: 'invalid_client', description: 'Client authentication is required: send client_id and client_secret (HTTP Basic or form)', reason: 'no_client_auth', client: cred?.clientId.slice(0, 64) } };
  }
  const spec = await verifyClientSecret(ctx, c.get('clientIp'), cred.clientId, cred.secret, 'token');
  if (!spec) return { ok: false, refusal: { error: 'invalid_client', description: 'Client authentication failed', reason: 'counted' } };
  return { ok: true, spec };
}
