/** @module JSON-RPC error answers the MCP route gives before the SDK transport sees a request. */

export type JsonRpcId = string | number | null;

export function jsonRpcError(status: number, code: number, message: string, options: { id?: JsonRpcId; headers?: Record<string, string>; data?: unknown } = {}): Response {
  const body = { jsonrpc: '2.0', id: options.id ?? null, error: { code, message, ...(options.data !== undefined ? { data: options.data } : {}) } };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...(options.headers ?? {}) } });
}

/** The id of a JSON-RPC request body, when it has a usable one. */
export function idOf(body: unknown): JsonRpcId {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** The same response, calling `done` once its body has been sent, failed or was cancelled. */
export function whenBodyDone(res: Response, done: () => void): Response {
  let called = false;
  const once = (): void => { if (!called) { called = true; done(); } };
  if (!res.body) { once(); return res; }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const r = await reader.read();
        if (r.done) { once(); ctl.close(); } else ctl.enqueue(r.value);
      } catch (err) { once(); ctl.error(err); }
    },
    cancel(reason) { once(); return reader.cancel(reason); },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
