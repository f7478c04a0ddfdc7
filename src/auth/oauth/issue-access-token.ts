/**
 * @module Mint an OAuth access token (RFC 9068 JWT, AUTH_OAUTH_TOKEN_EXPIRY_SECONDS) and, for the
 * authorization-code grant, a refresh token, and shape the RFC 6749 §5.1 success response.
 * Audited before the token leaves (fail closed).
 */
import type { AuthContext } from '../auth-context.ts';
import type { ClientSpec } from '../clients/client-spec.ts';
import { ACCESS_TOKEN_TYP, signToken } from '../tokens/sign-token.ts';

export interface IssueOptions {
  spec: ClientSpec;
  audience: string[];
  scope: string;
  grant: 'client_credentials' | 'authorization_code' | 'refresh_token';
  ip: string;
  /** Start a refresh family (authorization_code) or continue one (refresh_token). */
  refresh?: { start: true } | { familyId: string; token: string };
}

export interface IssuedTokens {
  body: Record<string, string | number>;
  accessJti: string;
  accessExp: number;
  familyId: string | undefined;
}

export async function issueAccessToken(ctx: AuthContext, o: IssueOptions): Promise<IssuedTokens> {
  const s = ctx.settings;
  const t = await signToken({
    privateKey: ctx.keys.privateKey, keyId: ctx.keys.keyId, typ: ACCESS_TOKEN_TYP, issuer: s.issuer, audience: o.audience.length === 1 ? o.audience[0] ?? s.audience : o.audience,
    subject: o.spec.subject, clientId: o.spec.name, lifetimeSeconds: s.accessTokenSeconds, now: ctx.now(), scope: o.scope,
  });
  let familyId: string | undefined;
  let refreshToken: string | undefined;
  if (o.refresh && 'start' in o.refresh) {
    const created = await ctx.refresh.create({ client: o.spec.name, subject: o.spec.subject, scope: o.scope, audience: o.audience });
    familyId = created.familyId;
    refreshToken = created.token;
  } else if (o.refresh) {
    familyId = o.refresh.familyId;
    refreshToken = o.refresh.token;
  }
  if (familyId) await ctx.refresh.addAccessToken(familyId, t.jti, t.exp);
  ctx.audit.append('AUTH', 'token_issued', {
    source_ip: o.ip, client: o.spec.name, grant: o.grant, jti: t.jti, exp: t.exp, aud: o.audience, ...(familyId ? { refresh_family: familyId } : {}),
  });
  const body: Record<string, string | number> = { access_token: t.token, token_type: 'Bearer', expires_in: s.accessTokenSeconds, scope: o.scope };
  if (refreshToken) body.refresh_token = refreshToken;
  return { body, accessJti: t.jti, accessExp: t.exp, familyId };
}
