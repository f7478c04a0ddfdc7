/**
 * @module GET /authorize shows the login/consent page for a validated request; POST /authorize
 * takes the form (CSRF token bound to a `__Host-` session cookie), checks client_id + secret,
 * and answers 303 (RFC 9700 §4.12) to the redirect_uri with a single-use code, `state` unchanged
 * and `iss` (RFC 9207). Wrong client and wrong secret get the same page.
 */
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import { auditRefusal, countFailure } from '../auth-context.ts';
import { checkAuthorizeRequest } from './authorize-request.ts';
import { LOGIN_SESSION_SECONDS, SESSION_COOKIE } from '../../state/local/login-sessions.ts';
import type { PendingAuthorization } from '../../state/local/login-sessions.ts';
import { errorPage, loginPage } from './login-page.ts';
import { readOAuthForm } from './oauth-form.ts';
import { checkClientSecret, SecretCheckBusyError } from '../clients/client-secret.ts';
import { verifyClientSecret } from './client-authentication.ts';

const BAD_LOGIN = 'The client ID or client secret is incorrect.';

function callback(req: PendingAuthorization, issuer: string, params: Record<string, string>): string {
  const u = new URL(req.redirectUri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  if (req.state !== undefined) u.searchParams.set('state', req.state);
  u.searchParams.set('iss', issuer);
  return u.href;
}

export function authorizeGet(ctx: AuthContext, serverName: string) {
  return async function authorizeGetHandler(c: Context<AppEnv>): Promise<Response> {
    const r = checkAuthorizeRequest(ctx, new URL(c.req.url));
    if (!r.ok) {
      auditRefusal(ctx, 'authorize_refused', { source_ip: c.get('clientIp'), client: r.client, error: r.error, reason: r.description });
      return errorPage(c, serverName, r.error, r.description);
    }
    if (!r.registered) ctx.logger.warning('redirect_uri_unregistered', { client: r.request.clientId, redirect_uri: r.request.redirectUri, hint: 'register it in AUTH_OAUTH_REDIRECT_URIS and set AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT=strict' });
    const { sid, csrf } = await ctx.sessions.create(r.request);
    setCookie(c, SESSION_COOKIE, sid, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict', maxAge: LOGIN_SESSION_SECONDS });
    return loginPage(c, { serverName, clientId: r.request.clientId, redirectUri: r.request.redirectUri, csrf });
  };
}

export function authorizePost(ctx: AuthContext, serverName: string) {
  return async function authorizePostHandler(c: Context<AppEnv>): Promise<Response> {
    const ip = c.get('clientIp');
    const form = await readOAuthForm(c);
    const sid = getCookie(c, SESSION_COOKIE);
    const session = form.ok ? await ctx.sessions.check(sid, form.params.get('csrf_token')) : undefined;
    if (!form.ok || !session || !sid) {
      auditRefusal(ctx, 'authorize_refused', { source_ip: ip, error: 'csrf', reason: 'missing or wrong session cookie or CSRF token' });
      return errorPage(c, serverName, 'invalid_request', 'The sign-in form expired or did not come from this server. Start the sign-in again from your application.', 403);
    }
    const req = session.request;
    const params = form.params;
    if (params.get('action') === 'deny') {
      await ctx.sessions.end(sid);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
      auditRefusal(ctx, 'authorize_denied', { source_ip: ip, client: req.clientId, reason: 'user denied access' });
      return c.redirect(callback(req, ctx.settings.issuer, { error: 'access_denied', error_description: 'The user denied access' }), 303);
    }
    const enteredId = params.get('client_id') ?? '';
    const secret = params.get('client_secret') ?? '';
    let spec;
    try {
      if (enteredId === req.clientId) spec = await verifyClientSecret(ctx, ip, enteredId, secret, 'authorize');
      else {
        await checkClientSecret(undefined, secret);
        auditRefusal(ctx, 'auth_failed', { source_ip: ip, client: enteredId.slice(0, 64), endpoint: 'authorize', reason: 'client_id differs from the authorization request' });
        await countFailure(ctx, ip);
      }
    } catch (err) {
      if (err instanceof SecretCheckBusyError) return errorPage(c, serverName, 'temporarily_unavailable', 'The server is busy; try again in a moment.', 503);
      throw err;
    }
    if (!spec) return loginPage(c, { serverName, clientId: req.clientId, redirectUri: req.redirectUri, csrf: session.csrf, error: BAD_LOGIN }, 401);
    await ctx.sessions.end(sid);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    const code = await ctx.codes.issue({ clientId: spec.name, redirectUri: req.redirectUri, codeChallenge: req.codeChallenge, resource: req.resource, scope: req.scope });
    ctx.audit.append('AUTH', 'authorize_succeeded', { source_ip: ip, client: spec.name, redirect_uri: req.redirectUri, resource: req.resource });
    return c.redirect(callback(req, ctx.settings.issuer, { code }), 303);
  };
}
