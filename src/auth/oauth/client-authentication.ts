/**
 * @module Client authentication at /token and /revoke (RFC 6749 §2.3.1): client_secret_basic
 * (form-urlencoded id and secret in HTTP Basic) or client_secret_post, never both; `none` (a
 * public client, client_id only) where the caller allows it. Unknown client and wrong secret take
 * the same time and give the same answer. The plaintext `.secret` is deleted after its first
 * successful use (Setup page, "One-time secret").
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';
import type { AuthContext } from '../auth-context.ts';
import { auditRefusal, countFailure } from '../auth-context.ts';
import type { ClientSpec } from '../clients/client-spec.ts';
import { checkClientSecret } from '../clients/client-secret.ts';

export type ClientCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'none'; clientId: string };

export type CredentialsResult = { ok: true; credentials: ClientCredentials | undefined } | { ok: false; description: string };

function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header);
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
    const dec = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(text.slice(0, colon)), secret: dec(text.slice(colon + 1)) };
  } catch { return undefined; }
}

/** Extract credentials from the Authorization header and the form, refusing ambiguity. */
export function readClientCredentials(c: Context<AppEnv>, params: Map<string, string>): CredentialsResult {
  const header = c.req.header('authorization');
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (header !== undefined) {
    const basic = decodeBasic(header);
    if (!basic) return { ok: false, description: 'Malformed Authorization header; use HTTP Basic with client_id:client_secret' };
    if (bodySecret !== undefined) return { ok: false, description: 'Use one client authentication method, not both' };
    if (bodyId !== undefined && bodyId !== basic.id) return { ok: false, description: 'client_id in the body differs from the Authorization header' };
    return { ok: true, credentials: { method: 'client_secret_basic', clientId: basic.id, secret: basic.secret } };
  }
  if (bodyId !== undefined && bodySecret !== undefined) return { ok: true, credentials: { method: 'client_secret_post', clientId: bodyId, secret: bodySecret } };
  if (bodyId !== undefined) return { ok: true, credentials: { method: 'none', clientId: bodyId } };
  if (bodySecret !== undefined) return { ok: false, description: 'client_secret without client_id' };
  return { ok: true, credentials: undefined };
}

/**
 * Check a client_id/secret pair. On failure: audit with the reason, count for fail2ban, and
 * return undefined (the caller answers `invalid_client` without saying which part was wrong).
 */
export async function verifyClientSecret(ctx: AuthContext, ip: string, clientId: string, secret: string, where: string): Promise<ClientSpec | undefined> {
  const spec = ctx.clients.get(clientId);
  const hash = spec ? ctx.files.read(spec.name, '.secret_hash') : undefined;
  const ok = await checkClientSecret(hash, secret);
  if (!spec || !ok) {
    auditRefusal(ctx, 'auth_failed', { source_ip: ip, client: clientId.slice(0, 64), endpoint: where, reason: !spec ? 'unknown_client' : 'wrong_secret' });
    await countFailure(ctx, ip);
    return undefined;
  }
  if (ctx.files.read(spec.name, '.secret') !== undefined) {
    ctx.audit.append('AUTH', 'client_secret_first_use', { source_ip: ip, client: spec.name, action: 'plaintext .secret deleted' });
    ctx.files.remove(spec.name, '.secret');
  }
  return spec;
}
