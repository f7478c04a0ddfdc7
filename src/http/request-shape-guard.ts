/**
 * @module Request shape checks every route shares: body size (413, RFC 9110 §15.5.14) and, on
 * POST/PUT/PATCH, a Content-Type the server accepts (415). Routes may narrow the type further.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

export interface RequestShapeOptions { maxBodyBytes: number; acceptedTypes: readonly string[] }

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function requestShapeGuard(options: RequestShapeOptions): MiddlewareHandler<AppEnv> {
  return async function requestShapeMiddleware(c, next) {
    const method = c.req.method;
    const length = c.req.header('content-length');
    if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > options.maxBodyBytes)) {
      return c.json({ error: 'payload_too_large', message: `Request body is larger than ${options.maxBodyBytes} bytes` }, 413);
    }
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const type = mediaType(c.req.header('content-type'));
      if (!options.acceptedTypes.includes(type)) {
        return c.json({ error: 'unsupported_media_type', message: `Content-Type must be one of: ${options.acceptedTypes.join(', ')}` }, 415);
      }
      if (length === undefined && c.req.raw.body) {
        // Chunked body: count bytes as they arrive and stop at the limit.
        const buf = await readLimited(c.req.raw, options.maxBodyBytes);
        if (buf === undefined) return c.json({ error: 'payload_too_large', message: `Request body is larger than ${options.maxBodyBytes} bytes` }, 413);
        c.req.raw = new Request(c.req.raw, { body: buf });
      }
    }
    return next();
  };
}

async function readLimited(req: Request, max: number): Promise<Blob | undefined> {
  const reader = req.body?.getReader();
  if (!reader) return new Blob([]);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) { await reader.cancel(); return undefined; }
    chunks.push(value);
  }
  return new Blob(chunks as BlobPart[]);
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
