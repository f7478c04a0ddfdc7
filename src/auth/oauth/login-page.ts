/**
 * @module The login/consent page and the error page: embedded HTML templates filled with
 * HTML-escaped values, no script at all, the stylesheet allowed by its hash only, and the
 * clickjacking/leak headers of RFC 9700 §4.16 (CSP frame-ancestors, X-Frame-Options DENY,
 * Referrer-Policy no-referrer, no-store). The page itself says `<meta name="referrer"
 * content="same-origin">`: under no-referrer a browser sends `Origin: null` with the form POST
 * (Fetch §3.2.5), which the Host/Origin guard refuses; same-origin still sends no Referer to the
 * client's callback or anywhere else.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../http/app-env.ts';
import { readAssetText } from '../../lib/assets.ts';

let cache: { login: string; error: string; css: string; cssHash: string } | undefined;

function templates(): NonNullable<typeof cache> {
  if (!cache) {
    const css = readAssetText('auth/login.css').trim();
    cache = { login: readAssetText('auth/login.html'), error: readAssetText('auth/error.html'), css, cssHash: createHash('sha256').update(css).digest('base64') };
  }
  return cache;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');
}

/** CSP source for where the form may lead: our origin plus the validated redirect target. */
function formTarget(redirectUri: string | undefined): string {
  if (!redirectUri) return '';
  const u = new URL(redirectUri);
  return u.protocol === 'http:' || u.protocol === 'https:' ? ` ${u.origin}` : ` ${u.protocol}`;
}

function send(c: Context<AppEnv>, html: string, status: ContentfulStatusCode, redirectUri?: string): Response {
  const t = templates();
  c.header('Content-Security-Policy', [
    "default-src 'none'", `style-src 'sha256-${t.cssHash}'`, `form-action 'self'${formTarget(redirectUri)}`,
    "frame-ancestors 'none'", "base-uri 'none'", "img-src 'none'",
  ].join('; '));
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  return c.html(html, status);
}

export interface LoginPageValues { serverName: string; clientId: string; redirectUri: string; csrf: string; error?: string }

export function loginPage(c: Context<AppEnv>, v: LoginPageValues, status: ContentfulStatusCode = 200): Response {
  const t = templates();
  const u = new URL(v.redirectUri);
  const html = fill(t.login, {
    server_name: escapeHtml(v.serverName), client_id: escapeHtml(v.clientId), redirect_host: escapeHtml(u.host || u.protocol),
    csrf: escapeHtml(v.csrf), style: t.css, error_block: v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : '',
  });
  return send(c, html, status, v.redirectUri);
}

export function errorPage(c: Context<AppEnv>, serverName: string, code: string, description: string, status: ContentfulStatusCode = 400): Response {
  const t = templates();
  return send(c, fill(t.error, { server_name: escapeHtml(serverName), error_code: escapeHtml(code), error_description: escapeHtml(description), style: t.css }), status);
}
