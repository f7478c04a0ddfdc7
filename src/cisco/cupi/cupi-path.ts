/**
 * @module Normalise an agent's CUPI path before RBAC and before anything is sent: only under
 * /vmrest/, no `..` (plain or percent-encoded, once or twice), no backslashes, no scheme or host,
 * no query or fragment (those go in `query`), path characters only (T-IN-40, T-IN-31).
 */
import { AppError } from '../../lib/errors.ts';

export const CUPI_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type CupiMethod = typeof CUPI_METHODS[number];

const SEGMENT = /^[A-Za-z0-9._~!$'()*+,=:@-]+$/;

function refuse(path: string, why: string): AppError {
  return new AppError('E_FORBIDDEN', `Refused CUPI path "${path.slice(0, 120)}": ${why}`, { hint: 'give a path under /vmrest/, e.g. /vmrest/users or /vmrest/users/<objectId>; put query parameters in "query"' });
}

/**
 * Percent-decoding that never throws: escapes that are not valid UTF-8 (overlong `%c0%ae`, lone
 * continuation bytes, surrogates) are a refusal, not a URIError (issue #12 item 13).
 */
function decodeSegment(seg: string, path: string): string {
  try { return decodeURIComponent(seg); } catch {
    throw refuse(path, 'percent-encoding that is not valid UTF-8 (e.g. overlong "%c0%ae") is not allowed');
  }
}

/** The normalised path (no trailing slash), or E_FORBIDDEN (a policy refusal, audited as denied). */
export function normaliseCupiPath(path: string): string {
  if (path.length > 1024) throw refuse(path, 'longer than 1024 characters');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) || path.startsWith('//')) throw refuse(path, 'absolute URLs are not allowed');
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
  if (/[\\?#\s\u0000-\u001f\u007f]/.test(path)) throw refuse(path, 'backslashes, "?", "#", spaces and control characters are not allowed');
  if (!path.startsWith('/vmrest/')) throw refuse(path, 'only paths under /vmrest/ are allowed');
  const segments = path.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments.pop();
  for (const raw of segments) {
    if (raw === '') throw refuse(path, 'empty path segments ("//") are not allowed');
    let seg = raw;
    if (seg.includes('%')) {
      // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
      if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(seg)) throw refuse(path, 'broken percent-encoding');
      seg = decodeSegment(seg, path);
      if (seg.includes('%')) throw refuse(path, 'double percent-encoding is not allowed');
    }
    if (seg === '.' || seg === '..' || /[/\\]/.test(seg)) throw refuse(path, 'path traversal ("..", "." or an encoded "/") is not allowed');
    if (!SEGMENT.test(seg)) throw refuse(path, `segment "${seg.slice(0, 40)}" has characters a CUPI path never needs`);
  }
  return `/${segments.join('/')}`;
}

/** Query parameters as a string; names and values are percent-encoded. */
export function cupiQueryString(query: Record<string, string | number | boolean> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(k)) throw new AppError('E_INPUT_INVALID', `Invalid CUPI query parameter name "${k.slice(0, 40)}"`, { hint: 'e.g. rowsPerPage, pageNumber, query' });
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
