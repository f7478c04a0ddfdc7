/**
 * @module redirect_uri checks (RFC 6749 §3.1.2, RFC 9700 §2.1 and §4.1.3). A client with entries
 * in AUTH_OAUTH_REDIRECT_URIS must match one exactly: plain string equality, except that
 * `*` in a registered URI matches one run of [A-Za-z0-9-] in the host, digits in the port, or
 * [A-Za-z0-9._~-] in a path segment, and a registered http loopback URI matches any port
 * (RFC 8252 §7.3). A client without entries is refused under enforcement=strict; under "off"
 * (the spec's default) it may use an https URI, an http loopback URI or a private-use scheme
 * (RFC 8252 §7.1), never a fragment, userinfo or a non-normalised form.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_URI_LENGTH = 2048;

export type RedirectCheck = { ok: true; registered: boolean } | { ok: false; reason: string };

function parse(uri: string): URL | undefined {
  try { return new URL(uri); } catch { return undefined; }
}

/** Well-formed, absolute, no fragment, no userinfo, and written in the normalised form URL gives. */
export function isCleanUri(uri: string): boolean {
  if (uri.length > MAX_URI_LENGTH || /[\s\\]/.test(uri)) return false;
  const u = parse(uri);
  if (!u || u.hash || uri.includes('#') || u.username || u.password) return false;
  // eslint-disable-next-line no-script-url -- this refuses javascript: URLs; it does not create one
  if (u.protocol === 'javascript:' || u.protocol === 'data:' || u.protocol === 'file:' || u.protocol === 'vbscript:') return false;
  return u.href === uri || (u.pathname === '/' && u.href === `${uri}/`);
}

function isLoopbackHttp(u: URL): boolean {
  return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

function withoutPort(u: URL): string {
  const c = new URL(u.href);
  c.port = '';
  return c.href;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Does `candidate` match the registered `pattern` (exact, `*` wildcard or loopback port)? */
export function matchesRegistered(pattern: string, candidate: string): boolean {
  if (pattern === candidate) return true;
  const c = parse(candidate);
  if (!c) return false;
  if (!pattern.includes('*')) {
    const p = parse(pattern);
    return !!p && isLoopbackHttp(p) && isLoopbackHttp(c) && withoutPort(p) === withoutPort(c);
  }
  const schemeEnd = pattern.indexOf('://');
  const authorityEnd = pattern.indexOf('/', schemeEnd + 3);
  const authority = pattern.slice(schemeEnd + 3, authorityEnd < 0 ? undefined : authorityEnd);
  const portAt = authority.lastIndexOf(':');
  let re = escapeRegex(pattern.slice(0, schemeEnd + 3));
  re += authority.split('*').map(escapeRegex).join('[A-Za-z0-9-]+');
  if (portAt >= 0 && authority.slice(portAt + 1) === '*') re = re.replace(/:\[A-Za-z0-9-\]\+$/, ':[0-9]{1,5}');
  re += authorityEnd < 0 ? '' : pattern.slice(authorityEnd).split('*').map(escapeRegex).join('[A-Za-z0-9._~-]+');
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from an operator-registered redirect URI: literal parts escaped (escapeRegex), wildcards only as character classes
  if (!new RegExp(`^${re}$`).test(candidate)) return false;
  return !c.pathname.split('/').some((seg) => seg === '.' || seg === '..');
}

export interface RedirectPolicy {
  registrations: Readonly<Record<string, readonly string[]>>;
  enforcement: 'off' | 'strict';
}

export function checkRedirectUri(policy: RedirectPolicy, clientId: string, uri: string | undefined): RedirectCheck {
  if (!uri) return { ok: false, reason: 'redirect_uri is required' };
  if (!isCleanUri(uri)) return { ok: false, reason: 'redirect_uri is not an absolute URI in normal form without fragment or user info' };
  // Own keys only: a client may be named "constructor" or "toString".
  const list = Object.hasOwn(policy.registrations, clientId) ? policy.registrations[clientId]! : [];
  if (list.length > 0) {
    return list.some((p) => matchesRegistered(p, uri)) ? { ok: true, registered: true } : { ok: false, reason: 'redirect_uri is not registered for this client' };
  }
  if (policy.enforcement === 'strict') return { ok: false, reason: 'redirect_uri is not registered for this client (AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT=strict)' };
  const u = parse(uri);
  if (!u) return { ok: false, reason: 'redirect_uri is not a URI' };
  // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  const privateScheme = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(u.protocol);
  if (u.protocol === 'https:' || isLoopbackHttp(u) || privateScheme) return { ok: true, registered: false };
  return { ok: false, reason: 'redirect_uri must be https, http on a loopback address, or a private-use scheme' };
}
