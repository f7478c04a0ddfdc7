/**
 * @module Raw MCP over HTTP for benchmarks: the headers every request carries and opening a session
 * (initialize + notifications/initialized), without the SDK client so its cost stays out of the figures.
 */
export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;
export const MCP_PROTOCOL = '2025-11-25';

/** Headers for a request inside an open session. */
export function sessionHeaders(token: string, sid: string): Record<string, string> {
  return { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': sid, 'mcp-protocol-version': MCP_PROTOCOL };
}

/** Open a session and finish its handshake; returns the session id. */
export async function openSession(url: string, token: string): Promise<string> {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: MCP_PROTOCOL, capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };
  const r = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(init) });
  await r.text();
  const sid = r.headers.get('mcp-session-id');
  if (!sid) throw new Error(`initialize failed with HTTP ${r.status}`);
  const n = await fetch(url, { method: 'POST', headers: sessionHeaders(token, sid), body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  await n.text();
  if (n.status !== 202) throw new Error(`notifications/initialized answered HTTP ${n.status}`);
  return sid;
}
