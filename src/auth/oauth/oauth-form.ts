/**
 * @module Read an application/x-www-form-urlencoded OAuth request body (RFC 6749 §3.2): each
 * parameter at most once (§3.1), empty values treated as absent, and no parameters in the query
 * string (credentials never travel in URLs; OAuth 2.1 §1.5).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../http/app-env.ts';

export type FormResult = { ok: true; params: Map<string, string> } | { ok: false; description: string };

const MAX_PARAMS = 32;

export async function readOAuthForm(c: Context<AppEnv>): Promise<FormResult> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { ok: false, description: 'The request body must be application/x-www-form-urlencoded' };
  if (new URL(c.req.url).search !== '') return { ok: false, description: 'Parameters are not accepted in the query string' };
  const text = await c.req.text();
  const params = new Map<string, string>();
  let count = 0;
  for (const [k, v] of new URLSearchParams(text)) {
    if (++count > MAX_PARAMS) return { ok: false, description: 'Too many parameters' };
    if (params.has(k)) return { ok: false, description: `Parameter "${k.slice(0, 40)}" is repeated` };
    if (v !== '') params.set(k, v);
  }
  return { ok: true, params };
}
