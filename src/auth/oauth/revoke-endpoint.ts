/**
 * @module POST /revoke (RFC 7009): the owning client authenticates with its secret (§2.1); an
 * access token or JWT-mode token goes on the jti list until its `exp`; a refresh token revokes its
 * family and the family's access tokens. A JWT-mode client (no secret) authenticates with its own
 * bearer token instead. Unknown, invalid or foreign tokens still get 200 (§2.2)
 * and are left untouched.
 */
import type { Context } from 'hono';
import { decodeJwt } from 'jose';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import { auditRefusal, countFailure } from '../auth-context.ts';
import { readOAuthForm } from './oauth-form.ts';
import { noStore, oauthError } from './oauth-error.ts';
import { readClientCredentials, verifyClientSecret } from './client-authentication.ts';
import { SecretCheckBusyError } from '../clients/client-secret.ts';
import { revokeAccessTokens } from '../tokens/revoke-issued.ts';

async function revokeJwt(ctx: AuthContext, clientName: string, token: string, ip: string): Promise<boolean> {
  const r = await ctx.verifier.verify(token);
  // Only a token that verifies and belongs to the caller is revoked (RFC 7009 §2.1).
  if (!r.ok || r.claims.client_id !== clientName) return false;
  await revokeAccessTokens(ctx, [[r.claims.jti, r.claims.exp]], { source_ip: ip, client: clientName, reason: 'revocation request' });
  return true;
}

export function revokeEndpoint(ctx: AuthContext) {
  return async function revokeHandler(c: Context<AppEnv>): Promise<Response> {
    const ip = c.get('clientIp');
    const form = await readOAuthForm(c);
    if (!form.ok) return oauthError(c, 'invalid_request', form.description);
    const bearer = /^Bearer (\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (bearer?.[1]) return revokeWithBearer(ctx, c, bearer[1], form.params.get('token'));
    const read = readClientCredentials(c, form.params);
    if (!read.ok) return oauthError(c, 'invalid_client', read.description);
    const cred = read.credentials;
    if (!cred || cred.method === 'none') return oauthError(c, 'invalid_client', 'Client authentication is required to revoke a token');
    let spec;
    try { spec = await verifyClientSecret(ctx, ip, cred.clientId, cred.secret, 'revoke'); } catch (err) {
      if (err instanceof SecretCheckBusyError) return oauthError(c, 'temporarily_unavailable', 'The server is busy; retry shortly');
      throw err;
    }
    if (!spec) return oauthError(c, 'invalid_client', 'Client authentication failed');
    const token = form.params.get('token');
    if (!token) return oauthError(c, 'invalid_request', 'token is required');
    // token_type_hint is only a hint (RFC 7009 §2.1): the token's shape decides where to look.
    let done = false;
    const looksLikeJwt = token.split('.').length === 3;
    if (looksLikeJwt) done = await revokeJwt(ctx, spec.name, token, ip);
    if (!done && !looksLikeJwt) {
      const found = await ctx.refresh.lookup(token);
      if (found && found.family.client === spec.name) {
        ctx.audit.append('AUTH', 'refresh_family_revoked', { source_ip: ip, client: spec.name, refresh_family: found.familyId, reason: 'revocation request' });
        await revokeAccessTokens(ctx, await ctx.refresh.revokeFamily(found.familyId), { source_ip: ip, client: spec.name, reason: 'refresh token revoked' });
        done = true;
      }
    }
    if (!done) auditRefusal(ctx, 'revoke_ignored', { source_ip: ip, client: spec.name, reason: 'unknown, invalid or foreign token', jti: looksLikeJwt ? safeJti(token) : undefined });
    noStore(c);
    return c.body(null, 200);
  };
}

/** A JWT-mode client has no secret: its current bearer token identifies it (RFC 7009 §2.1 allows other means). */
async function revokeWithBearer(ctx: AuthContext, c: Context<AppEnv>, bearer: string, token: string | undefined): Promise<Response> {
  const ip = c.get('clientIp');
  const who = await ctx.verifier.verify(bearer);
  if (!who.ok) {
    auditRefusal(ctx, 'auth_failed', { source_ip: ip, endpoint: 'revoke', reason: who.reason, client: who.clientId, jti: who.jti });
    await countFailure(ctx, ip);
    return oauthError(c, 'invalid_client', 'Client authentication failed');
  }
  if (!token) return oauthError(c, 'invalid_request', 'token is required');
  const done = token.split('.').length === 3 && await revokeJwt(ctx, who.principal.clientName, token, ip);
  if (!done) auditRefusal(ctx, 'revoke_ignored', { source_ip: ip, client: who.principal.clientName, reason: 'unknown, invalid or foreign token' });
  noStore(c);
  return c.body(null, 200);
}

function safeJti(token: string): string | undefined {
  try { const j = decodeJwt(token).jti; return typeof j === 'string' ? j.slice(0, 64) : undefined; } catch { return undefined; }
}
