/**
 * @module The bearer middleware for protected routes (/mcp, /status): a valid token sets
 * `principal`; otherwise 401 with `WWW-Authenticate: Bearer resource_metadata=…` (RFC 6750 §3,
 * RFC 9728 §5.1) so MCP clients discover the authorization server. A request without
 * credentials is the normal first step of discovery and is not counted as a failure. Tokens are
 * read only from the Authorization header, never from the query (RFC 9700 §2, OAuth 2.1).
 * A valid token whose `scope` claim lacks "mcp" gets 403 `insufficient_scope` naming only that
 * scope (RFC 6750 §3.1, MCP scope challenge; T-RB-02): this server grants no other scope, so such
 * a token was minted for something else. A token without a `scope` claim (JWT mode, the
 * client's `.token`) carries the client's RBAC profile and is not scope-limited.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { AuthContext } from './auth-context.ts';
import { auditRefusal, countFailure } from './auth-context.ts';
import { blockedResponse } from './fail2ban/fail2ban-guard.ts';
import { DEFAULT_SCOPE } from './oauth/grant-checks.ts';

/** RFC 6750 §2.1 b64token after exactly one space; the scheme name is case-insensitive (RFC 9110 §11.1). */
const BEARER_RE = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;
/** Successful first uses remembered so each token's first use per process is audited once. */
const SEEN_LIMIT = 10_000;

export function resourceMetadataUrl(ctx: AuthContext): string {
  return `${ctx.settings.issuer}/.well-known/oauth-protected-resource${ctx.settings.mcpPath === '/' ? '' : ctx.settings.mcpPath}`;
}

function unauthorized(c: Context<AppEnv>, ctx: AuthContext, presented: boolean): Response {
  const params = [
    ...(presented ? ['error="invalid_token"', 'error_description="The access token is missing, malformed, expired or revoked"'] : []),
    `resource_metadata="${resourceMetadataUrl(ctx)}"`,
  ];
  c.header('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  return c.json({ error: presented ? 'invalid_token' : 'unauthorized', message: presented ? 'The access token is invalid; obtain a new one' : 'A bearer token is required' }, 401);
}

export function authenticate(ctx: AuthContext): MiddlewareHandler<AppEnv> {
  const seen = new Set<string>();
  return async function authenticateMiddleware(c, next) {
    const ip = c.get('clientIp');
    // Checked here too, unless the guard in front already did for this very request.
    const until = c.get('addressNotBlocked') === true ? undefined : await ctx.fail2ban.blockedUntil(ip);
    if (until !== undefined) return blockedResponse(c, until - ctx.now());
    const header = c.req.header('authorization');
    if (header === undefined) return unauthorized(c, ctx, false);
    const m = BEARER_RE.exec(header);
    const result = m?.[1] ? await ctx.verifier.verify(m[1]) : { ok: false as const, reason: 'malformed' as const };
    if (!result.ok) {
      auditRefusal(ctx, 'auth_failed', { source_ip: ip, path: c.req.path, reason: result.reason, client: result.clientId, jti: result.jti });
      await countFailure(ctx, ip);
      return unauthorized(c, ctx, true);
    }
    const scope = result.claims.scope;
    if (scope !== undefined && !scope.split(' ').includes(DEFAULT_SCOPE)) {
      auditRefusal(ctx, 'auth_failed', { source_ip: ip, path: c.req.path, reason: 'insufficient_scope', client: result.principal.clientName, jti: result.principal.tokenId });
      c.header('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${DEFAULT_SCOPE}", resource_metadata="${resourceMetadataUrl(ctx)}"`);
      return c.json({ error: 'insufficient_scope', message: `The access token lacks the "${DEFAULT_SCOPE}" scope; obtain a token with scope=${DEFAULT_SCOPE}` }, 403);
    }
    const p = result.principal;
    if (!seen.has(p.tokenId)) {
      ctx.audit.append('AUTH', 'auth_succeeded', { source_ip: ip, client: p.clientName, method: p.authMethod, jti: p.tokenId, first_use: true });
      if (seen.size >= SEEN_LIMIT) seen.clear();
      seen.add(p.tokenId);
    }
    c.set('principal', p);
    return next();
  };
}
