/**
 * @module grant_type=refresh_token (RFC 6749 §6, OAuth 2.1 §4.3.1): rotate on every use; a
 * rotated-out token revokes the family and its access tokens (RFC 9700 §4.14.2). The client must
 * still exist with the same subject; scope and resource may only narrow.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import type { GrantRefusal } from './token-client.ts';
import { tokenClient } from './token-client.ts';
import { checkScope } from './grant-checks.ts';
import { issueAccessToken } from './issue-access-token.ts';
import { noStore } from './oauth-error.ts';
import { revokeAccessTokens } from '../tokens/revoke-issued.ts';

export async function refreshGrant(ctx: AuthContext, c: Context<AppEnv>, params: Map<string, string>): Promise<Response | GrantRefusal> {
  const client = await tokenClient(ctx, c, params);
  if (!client.ok) return client.refusal;
  const spec = client.spec;
  const token = params.get('refresh_token');
  if (!token) return { error: 'invalid_request', description: 'refresh_token is required', reason: 'missing_parameter', client: spec.name };
  const scope = checkScope(params.get('scope'));
  if (!scope.ok) return { error: 'invalid_scope', description: scope.description, reason: 'bad_scope', client: spec.name };
  // Checked before rotating so a refused request does not consume the client's refresh token.
  const resource = params.get('resource');
  const known = await ctx.refresh.lookup(token);
  if (resource !== undefined && known && !known.family.audience.includes(resource)) {
    return { error: 'invalid_target', description: 'resource was not part of the original grant', reason: 'resource_mismatch', client: spec.name };
  }
  const r = await ctx.refresh.rotate(token, spec.name);
  if (!r.ok) {
    if (r.reason === 'reused' && r.familyId) {
      await revokeAccessTokens(ctx, await ctx.refresh.revokeFamily(r.familyId), { client: spec.name, reason: 'refresh token reused', refresh_family: r.familyId });
      ctx.audit.append('AUTH', 'refresh_family_revoked', { source_ip: c.get('clientIp'), client: spec.name, refresh_family: r.familyId, reason: 'refresh token reused' });
    }
    return { error: 'invalid_grant', description: `The refresh token is ${r.reason === 'expired' ? 'expired' : r.reason === 'unknown' || r.reason === 'wrong_client' ? 'invalid' : 'revoked'}`, reason: `refresh_${r.reason}`, client: spec.name };
  }
  if (r.family.subject !== spec.subject) {
    await revokeAccessTokens(ctx, await ctx.refresh.revokeFamily(r.familyId), { client: spec.name, reason: 'subject changed' });
    return { error: 'invalid_grant', description: 'The client subject changed; sign in again', reason: 'subject_changed', client: spec.name };
  }
  const issued = await issueAccessToken(ctx, {
    spec, audience: resource !== undefined ? [resource] : r.family.audience, scope: scope.value, grant: 'refresh_token', ip: c.get('clientIp'),
    refresh: { familyId: r.familyId, token: r.token },
  });
  noStore(c);
  return c.json(issued.body);
}
