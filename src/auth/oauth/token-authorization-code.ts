/**
 * @module grant_type=authorization_code (RFC 6749 §4.1.3): the code must be current, unused and
 * bound to this client, redirect_uri and resource; the code_verifier must match its S256
 * challenge, and a verifier for a code issued without a challenge is refused (PKCE downgrade,
 * RFC 9700 §4.8.2). A replayed code is refused and what it issued is revoked (RFC 6749 §4.1.2).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import type { GrantRefusal } from './token-client.ts';
import { tokenClient } from './token-client.ts';
import { CODE_VERIFIER_RE, pkceMatches } from './grant-checks.ts';
import { issueAccessToken } from './issue-access-token.ts';
import { noStore } from './oauth-error.ts';
import { revokeAccessTokens } from '../tokens/revoke-issued.ts';

export async function redeemCode(ctx: AuthContext, c: Context<AppEnv>, params: Map<string, string>): Promise<Response | GrantRefusal> {
  const client = await tokenClient(ctx, c, params);
  if (!client.ok) return client.refusal;
  const name = client.spec.name;
  const code = params.get('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  if (!code || !redirectUri) return { error: 'invalid_request', description: 'code and redirect_uri are required', reason: 'missing_parameter', client: name };
  const r = await ctx.codes.redeem(code);
  if (!r.ok) {
    if (r.reason === 'reused' && r.issued && r.grant?.clientId === name) {
      await revokeAccessTokens(ctx, [[r.issued.accessJti, r.issued.accessExp]], { client: name, reason: 'authorization code reused' });
      if (r.issued.family) await revokeAccessTokens(ctx, await ctx.refresh.revokeFamily(r.issued.family), { client: name, reason: 'authorization code reused' });
    }
    return { error: 'invalid_grant', description: `The authorization code is ${r.reason === 'unknown' ? 'invalid' : r.reason === 'expired' ? 'expired' : 'already used'}`, reason: `code_${r.reason}`, client: name };
  }
  const g = r.grant;
  if (g.clientId !== name) return { error: 'invalid_grant', description: 'The authorization code was issued to another client', reason: 'code_client_mismatch', client: name };
  if (g.redirectUri !== redirectUri) return { error: 'invalid_grant', description: 'redirect_uri differs from the authorization request', reason: 'redirect_uri_mismatch', client: name };
  if (g.codeChallenge === undefined) {
    if (verifier !== undefined) return { error: 'invalid_grant', description: 'code_verifier sent for a code issued without code_challenge', reason: 'pkce_downgrade', client: name };
  } else if (verifier === undefined || !CODE_VERIFIER_RE.test(verifier) || !pkceMatches(verifier, g.codeChallenge)) {
    return { error: 'invalid_grant', description: 'code_verifier does not match the code_challenge', reason: 'pkce_mismatch', client: name };
  }
  const resource = params.get('resource');
  if (resource !== undefined && resource !== (g.resource ?? ctx.settings.resource)) {
    return { error: 'invalid_target', description: 'resource differs from the authorization request', reason: 'resource_mismatch', client: name };
  }
  const audience = g.resource ?? resource ?? ctx.settings.audience;
  const issued = await issueAccessToken(ctx, { spec: client.spec, audience: [audience], scope: g.scope, grant: 'authorization_code', ip: c.get('clientIp'), refresh: { start: true } });
  await r.bind({ accessJti: issued.accessJti, accessExp: issued.accessExp, family: issued.familyId });
  noStore(c);
  return c.json(issued.body);
}
