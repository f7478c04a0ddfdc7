/**
 * @module The Streamable HTTP endpoint (MCP_SERVER_URL_PATH): it only moves JSON-RPC. Bearer auth
 * first (fail closed when no authenticator is installed); sessions bound to the client that
 * opened them; no JSON-RPC batches; a tools/call is prepared and rate-limited by the pipeline
 * here, so an excess is a real HTTP 429 with Retry-After, and the prepared call is handed to the
 * session's handler. A second tools/call reusing the id of one still in flight is refused. A short
 * SSE answer leaves in one write (coalesce-event-stream.ts).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../log/logger.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { ToolPipeline } from './pipeline/tool-pipeline.ts';
import type { McpSession } from './mcp-session.ts';
import type { Room, SessionStore } from './session-store.ts';
import { newSessionId } from './session-store.ts';
import type { McpResources } from './content/resources.ts';
import { idOf, jsonRpcError, whenBodyDone } from './json-rpc-response.ts';
import { coalesceEventStream } from './coalesce-event-stream.ts';
import type { SessionRecord, SessionRecordState } from '../state/shared-state.ts';
import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

export interface McpRouteDeps {
  path: string;
  name: string;
  instructions: string;
  pipeline: ToolPipeline;
  sessions: SessionStore;
  /** Bearer authentication, already fail-closed (see requireBearer). */
  auth: MiddlewareHandler<AppEnv>;
  audit: { append(category: 'TRANSPORT', event: string, fields: Record<string, unknown>): unknown };
  logger: Logger;
  metrics: AibridgeMetrics;
  /** Resources (inventory, profile, the caller's reports, AXL docs); prompts are always offered. */
  resources?: McpResources;
  /**
   * Several instances (STATE_BACKEND=valkey): what each session is, so any instance rebuilds a
   * session another opened, and an event store per session for resumability.
   */
  shared?: { records: SessionRecordState; idleSeconds: number; eventStore(sessionId: string): EventStore };
}

/** The initialize request a rebuilt session replays to its own transport (never sent on the wire). */
function replayInitialize(rec: SessionRecord, path: string, initialized: boolean): Request {
  const body = initialized
    ? { jsonrpc: '2.0', method: 'notifications/initialized' }
    : { jsonrpc: '2.0', id: '__aibridge_rebuild__', method: 'initialize', params: { protocolVersion: rec.protocolVersion, capabilities: rec.capabilities, clientInfo: rec.clientInfo } };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (initialized) { headers['mcp-session-id'] = rec.id; headers['mcp-protocol-version'] = rec.protocolVersion; }
  return new Request(`https://aibridge.invalid${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

type SessionModule = typeof import('./mcp-session.ts');
let sessionModule: SessionModule | undefined;

/**
 * mcp-session.ts and the MCP SDK behind it (its zod message schemas, Ajv) are loaded by the first
 * authenticated request to the endpoint instead of at start-up, where evaluating them was the
 * largest part of serve's module load after Node's own (bench/README.md, start-up fourth pass).
 */
async function loadSessionModule(): Promise<SessionModule> {
  sessionModule ??= await import('./mcp-session.ts');
  return sessionModule;
}

const SESSION_NOT_FOUND = 'Session not found: it expired, was closed, or belongs to another client; send a new initialize request without Mcp-Session-Id';

function mediaType(v: string | undefined): string {
  return (v ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Runs the installed authenticator, or refuses with 401 when there is none (fail closed). */
export function requireBearer(get: () => MiddlewareHandler<AppEnv> | undefined): MiddlewareHandler<AppEnv> {
  return async function requireBearerMiddleware(c, next) {
    const auth = get();
    if (!auth) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'unauthorized', message: 'Authentication is not available on this server' }, 401);
    }
    return auth(c, next);
  };
}

export function mountMcpRoute(app: Hono<AppEnv>, d: McpRouteDeps): void {
  const { pipeline, sessions } = d;
  const mismatch = (p: Principal, owner: string, ip: string): Response => {
    d.metrics.sessionRefused('wrong_client');
    try { d.audit.append('TRANSPORT', 'session_client_mismatch', { client: p.clientName, session_owner: owner, source_ip: ip }); } catch (err) {
      d.logger.error('audit_write_failed', { event: 'session_client_mismatch', message: (err as Error).message });
    }
    d.logger.warning('session_client_mismatch', { client: p.clientName, session_owner: owner, source_ip: ip });
    return jsonRpcError(404, -32001, SESSION_NOT_FOUND);
  };

  /**
   * Past a session cap: HTTP 503 + Retry-After (when an idle session of this client, or of any
   * client for the instance cap, expires), naming the limit and what the caller can do.
   */
  const refuseSession = (room: Extract<Room, { ok: false }>, p: Principal): Response => {
    d.metrics.sessionRefused(room.reason);
    d.logger.warning('mcp_session_refused', { client: p.clientName, reason: room.reason, retry_after_s: room.retryAfterSeconds });
    const message = room.reason === 'client_cap'
      ? `Too many open MCP sessions for client "${p.clientName}": it already holds ${sessions.limits.maxPerClient} (MCP_SESSION_MAX_PER_CLIENT). Close sessions it no longer uses (HTTP DELETE with their Mcp-Session-Id) or retry after ${room.retryAfterSeconds} s, when an idle one expires`
      : `This server already holds its maximum of ${sessions.limits.maxTotal} open MCP sessions (MCP_SESSION_MAX_TOTAL); retry after ${room.retryAfterSeconds} s`;
    return jsonRpcError(503, -32000, message, { headers: { 'Retry-After': String(room.retryAfterSeconds) } });
  };

  /** A session another instance opened: rebuild its server here from the shared record. */
  const rebuild = async (m: SessionModule, sid: string, p: Principal, ip: string): Promise<McpSession | Response> => {
    const shared = d.shared;
    if (!shared) return jsonRpcError(404, -32001, SESSION_NOT_FOUND);
    const rec = await shared.records.get(sid);
    if (!rec) return jsonRpcError(404, -32001, SESSION_NOT_FOUND);
    if (rec.client !== p.clientName) return mismatch(p, rec.client, ip);
    const room = sessions.makeRoom(p.clientName, pipeline.now());
    if (!room.ok) return refuseSession(room, p);
    const s = newSession(m, p, sid);
    await s.server.connect(s.direct);
    const authInfo = m.authInfoOf(p);
    // Replay the client's initialize to this instance's own server (answers are read and dropped).
    await (await s.transport.handleRequest(replayInitialize(rec, d.path, false), { authInfo })).text();
    await (await s.transport.handleRequest(replayInitialize(rec, d.path, true), { authInfo })).text();
    if (s.id !== sid) return jsonRpcError(404, -32001, SESSION_NOT_FOUND);
    d.logger.info('mcp_session_rebuilt', { client: p.clientName, source_ip: ip });
    return s;
  };

  const lookup = async (m: SessionModule, c: { req: { header(n: string): string | undefined } }, p: Principal, ip: string): Promise<McpSession | Response> => {
    const sid = c.req.header('mcp-session-id');
    if (sid === undefined) return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const s = (sessions.get(sid) as McpSession | undefined) ?? await rebuild(m, sid, p, ip);
    if (s instanceof Response) return s;
    if (s.clientName !== p.clientName) return mismatch(p, s.clientName, ip);
    s.lastSeenAt = pipeline.now();
    if (d.shared) void d.shared.records.touch(sid, d.shared.idleSeconds).catch(() => undefined);
    return s;
  };

  const newSession = (m: SessionModule, p: Principal, sessionId?: string): McpSession => m.createMcpSession({
    name: d.name, instructions: d.instructions, pipeline, clientName: p.clientName, now: () => pipeline.now(), ...(d.resources ? { resources: d.resources } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(d.shared && sessionId ? { eventStore: d.shared.eventStore(sessionId) } : {}),
    onOpen: (x) => sessions.add(x),
    onClose: (id) => { sessions.delete(id); if (d.shared) void d.shared.records.delete(id).catch(() => undefined); },
  });

  const open = async (m: SessionModule, p: Principal): Promise<McpSession | Response> => {
    const room = sessions.makeRoom(p.clientName, pipeline.now());
    if (!room.ok) return refuseSession(room, p);
    // With shared sessions the id is chosen here, so the event store can be bound to it.
    const s = newSession(m, p, d.shared ? newSessionId() : undefined);
    await s.server.connect(s.direct);
    return s;
  };

  /** Record a new session in the shared store before its initialize answer leaves. */
  const record = async (s: McpSession, p: Principal, body: unknown): Promise<void> => {
    if (!d.shared || !s.id) return;
    const params = (body as { params?: { protocolVersion?: unknown; capabilities?: unknown; clientInfo?: unknown } }).params ?? {};
    const info = params.clientInfo as { name?: unknown; version?: unknown } | undefined;
    await d.shared.records.put({
      id: s.id, client: p.clientName, protocolVersion: typeof params.protocolVersion === 'string' ? params.protocolVersion : '2025-06-18',
      capabilities: typeof params.capabilities === 'object' && params.capabilities !== null ? params.capabilities as Record<string, unknown> : {},
      clientInfo: { name: typeof info?.name === 'string' ? info.name.slice(0, 200) : 'unknown', version: typeof info?.version === 'string' ? info.version.slice(0, 100) : '0' },
    }, d.shared.idleSeconds);
  };

  app.on(['POST', 'GET', 'DELETE'], d.path, d.auth, async (c) => {
    const p = c.get('principal');
    if (!p) return c.json({ error: 'unauthorized', message: 'A bearer token is required' }, 401);
    const ip = c.get('clientIp');
    const m = sessionModule ?? await loadSessionModule();
    const authInfo = m.authInfoOf(p);
    if (c.req.method !== 'POST') {
      const s = await lookup(m, c, p, ip);
      return s instanceof Response ? s : s.transport.handleRequest(c.req.raw, { authInfo });
    }
    const accept = c.req.header('accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return jsonRpcError(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (mediaType(c.req.header('content-type')) !== 'application/json') return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    let body: unknown;
    try { body = JSON.parse(await c.req.text()); } catch { return jsonRpcError(400, -32700, 'Parse error: the body is not valid JSON'); }
    if (Array.isArray(body)) return jsonRpcError(400, -32600, 'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them); send one message per request');
    if (typeof body !== 'object' || body === null) return jsonRpcError(400, -32600, 'Invalid Request: the body must be one JSON-RPC message object');
    let s: McpSession | Response;
    if ((body as { method?: unknown }).method === 'initialize' && m.isInitializeRequest(body) && c.req.header('mcp-session-id') === undefined) {
      s = await open(m, p);
      if (s instanceof Response) return s;
      const res = await s.transport.handleRequest(c.req.raw, { parsedBody: body, authInfo });
      await record(s, p, body);
      return (await coalesceEventStream(res)).response;
    }
    s = await lookup(m, c, p, ip);
    if (s instanceof Response) return s;
    const msg = body as { method?: unknown; params?: { name?: unknown; arguments?: unknown } };
    const id = idOf(body);
    if (msg.method === 'tools/call' && id !== null) {
      if (s.calls.has(id)) {
        return jsonRpcError(400, -32600, `Invalid Request: id ${JSON.stringify(id)} is already used by a tools/call in flight in this session; give every request its own id`, { id });
      }
      if (typeof msg.params === 'object' && msg.params !== null && typeof msg.params.name === 'string') {
        const prepared = pipeline.prepare(msg.params.name, msg.params.arguments);
        const adm = await pipeline.admit(p, prepared, { requestId: c.get('requestId'), sessionId: s.id, sourceIp: ip });
        if (!adm.allowed) {
          return jsonRpcError(429, -32000, adm.message, {
            id, headers: { 'Retry-After': String(adm.retryAfterS) },
            data: { code: 'E_RATE_LIMITED', retryable: true, retry_after_s: adm.retryAfterS, limit_per_minute: adm.limit, product: adm.product, category: adm.category },
          });
        }
        s.calls.set(id, prepared);
        const session = s;
        // A plain tools/call is answered by the session's transport directly (direct-call-transport.ts).
        const plain = d.shared ? undefined : m.directCall(body, c.req.header('mcp-protocol-version'));
        const res = await (plain && s.direct.call(plain, c.req.raw.headers, authInfo, c.req.url))
          ?? await coalesceEventStream(await s.transport.handleRequest(c.req.raw, { parsedBody: body, authInfo }));
        // Backstop for a call the SDK answered without reaching the handler: forget it once answered.
        const forget = (): void => { if (session.calls.get(id) === prepared) session.calls.delete(id); };
        if (res.complete) { forget(); return res.response; }
        return whenBodyDone(res.response, forget);
      }
    }
    return (await coalesceEventStream(await s.transport.handleRequest(c.req.raw, { parsedBody: body, authInfo }))).response;
  });
  app.on(['PUT', 'PATCH', 'HEAD', 'OPTIONS'], d.path, (c) => {
    c.header('Allow', 'GET, POST, DELETE');
    return c.json({ error: 'method_not_allowed', message: 'Use POST, GET or DELETE on the MCP endpoint' }, 405);
  });
}
