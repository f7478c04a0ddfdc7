/**
 * @module Request shape checks every route shares: body size (413, RFC 9110 §15.5.14) and, on
 * POST/PUT/PATCH, a Content-Type the server accepts (415), and no content coding (415 with
 * `Accept-Encoding: identity`, RFC 7694 §3): nothing here decompresses a body, so a gzip or
 * deflate body is refused by name instead of being read as bytes (no decompression bomb can
 * exist, T-RX-02). Routes may narrow the type further.
 * A declared Content-Length is judged before anything is read (and then body-limit is not
 * needed); a chunked body is counted as it arrives by hono's body-limit middleware, which stops
 * at the limit.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.ts';

export interface RequestShapeOptions { maxBodyBytes: number; acceptedTypes: readonly string[] }

/** The codings a Content-Encoding header lists, other than identity (RFC 9110 §8.4). */
function contentCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && s !== 'identity');
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function requestShapeGuard(options: RequestShapeOptions): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Context<AppEnv>): Response => c.json({ error: 'payload_too_large', message: `Request body is larger than ${options.maxBodyBytes} bytes` }, 413);
  const limit = bodyLimit({ maxSize: options.maxBodyBytes, onError: tooLarge });
  return async function requestShapeMiddleware(c, next) {
    const method = c.req.method;
    const length = c.req.header('content-length');
    if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > options.maxBodyBytes)) return tooLarge(c);
    const codings = contentCodings(c.req.header('content-encoding'));
    if (codings.length > 0) {
      c.header('Accept-Encoding', 'identity');
      return c.json({ error: 'unsupported_content_encoding', message: `Content-Encoding "${codings[0]!.slice(0, 40)}" is not accepted; send the body uncompressed (no Content-Encoding)` }, 415);
    }
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !options.acceptedTypes.includes(mediaType(c.req.header('content-type')))) {
      return c.json({ error: 'unsupported_media_type', message: `Content-Type must be one of: ${options.acceptedTypes.join(', ')}` }, 415);
    }
    // A declared length (checked above) without Transfer-Encoding is all hono's body-limit would
    // look at; asking it anyway makes the node adapter build a full Request for `.body` (its
    // first check), which costs more than the rest of the check (bench/README.md).
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) return next();
    // A GET or HEAD request has no body to count: the node adapter attaches none and the Fetch
    // standard forbids one, so body-limit would only build the full Request to find `.body` null
    // (on the first request that is where undici's Request is first made: bench/README.md).
    if (method === 'GET' || method === 'HEAD') return next();
    return limit(c, next);
  };
}

/** Narrow a route to specific media types (415 otherwise). */
export function requireContentType(types: readonly string[]): MiddlewareHandler<AppEnv> {
  return async function requireContentTypeMiddleware(c, next) {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && !types.includes(mediaType(c.req.header('content-type')))) {
      return c.json({ error: 'unsupported_media_type', message: `Content-Type must be one of: ${types.join(', ')}` }, 415);
    }
    return next();
  };
}
