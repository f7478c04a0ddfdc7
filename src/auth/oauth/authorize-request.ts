/**
 * @module Validate a GET /authorize request (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2).
 * client_id and redirect_uri are checked first: while either is bad the answer is an error page,
 * never a redirect (RFC 9700 §4.11). PKCE S256 is mandatory; `plain` and missing challenges are
 * refused; only response_type=code exists (no implicit grant, RFC 9700 §2.1.2).
 */
import type { AuthContext } from '../auth-context.ts';
import { usesOAuth } from '../clients/client-spec.ts';
import { checkRedirectUri } from './redirect-uri.ts';
import { CODE_CHALLENGE_RE, checkResource, checkScope } from './grant-checks.ts';
import type { PendingAuthorization } from '../../state/local/login-sessions.ts';

export type AuthorizeCheck =
  | { ok: true; request: PendingAuthorization; registered: boolean }
  | { ok: false; error: string; description: string; client?: string };

const PARAMS = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scope', 'resource'];
const MAX_STATE = 1024;

export function checkAuthorizeRequest(ctx: AuthContext, url: URL): AuthorizeCheck {
  const q = url.searchParams;
  for (const p of PARAMS) if (q.getAll(p).length > 1) return { ok: false, error: 'invalid_request', description: `Parameter "${p}" is repeated` };
  const get = (k: string): string | undefined => q.get(k) || undefined;
  const clientId = get('client_id');
  if (!clientId) return { ok: false, error: 'invalid_request', description: 'client_id is missing' };
  const spec = ctx.clients.get(clientId);
  if (!spec) return { ok: false, error: 'invalid_client', description: 'Unknown client_id', client: clientId.slice(0, 64) };
  if (!usesOAuth(spec)) return { ok: false, error: 'unauthorized_client', description: `Client "${spec.name}" is configured for JWT mode and cannot use OAuth`, client: spec.name };
  const redirectUri = get('redirect_uri');
  const redirect = checkRedirectUri({ registrations: ctx.settings.redirectUris, enforcement: ctx.settings.redirectEnforcement }, spec.name, redirectUri);
  if (!redirect.ok || !redirectUri) return { ok: false, error: 'invalid_request', description: redirect.ok ? 'redirect_uri is required' : redirect.reason, client: spec.name };
  if (get('response_type') !== 'code') return { ok: false, error: 'unsupported_response_type', description: 'Only response_type=code is supported', client: spec.name };
  const method = get('code_challenge_method');
  const challenge = get('code_challenge');
  if (!challenge) return { ok: false, error: 'invalid_request', description: 'code_challenge is required (PKCE, S256)', client: spec.name };
  if (method !== 'S256') return { ok: false, error: 'invalid_request', description: 'code_challenge_method must be S256', client: spec.name };
  if (!CODE_CHALLENGE_RE.test(challenge)) return { ok: false, error: 'invalid_request', description: 'code_challenge must be 43 base64url characters', client: spec.name };
  const scope = checkScope(get('scope'));
  if (!scope.ok) return { ok: false, error: 'invalid_scope', description: scope.description, client: spec.name };
  const resource = checkResource(get('resource'), ctx.settings.resource);
  if (!resource.ok) return { ok: false, error: 'invalid_target', description: resource.description, client: spec.name };
  const state = q.get('state') ?? undefined;
  if (state !== undefined && state.length > MAX_STATE) return { ok: false, error: 'invalid_request', description: `state is longer than ${MAX_STATE} characters`, client: spec.name };
  return {
    ok: true, registered: redirect.registered,
    request: { clientId: spec.name, redirectUri, state, codeChallenge: challenge, resource: resource.value, scope: scope.value },
  };
}
