/**
 * @module One MCP session: its own low-level Server and transport (never shared between clients,
 * GHSA-345p-7cg4-v4c7); tools/list computed per caller by the pipeline; tools/call runs the call
 * the route prepared (pipeline steps 4–7). A cursor is refused: tools/list has one page.
 */
import { z } from 'zod';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { CallToolRequestSchema, ElicitResultSchema, ErrorCode as RpcCode, McpError, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourceTemplatesRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitSchema } from './tool-definition.ts';
import type { McpResources } from './content/resources.ts';
import { getPrompt, listPrompts } from './content/prompts.ts';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Principal } from '../auth/principal.ts';
import type { ToolPipeline } from './pipeline/tool-pipeline.ts';
import type { PreparedCall } from './pipeline/prepare-call.ts';
import type { JsonRpcId } from './json-rpc-response.ts';
import type { StoredSession } from './session-store.ts';
import { newSessionId } from './session-store.ts';
import { spliceLargeAnswers } from './spliced-answer.ts';
import { DirectCallTransport, protocolRequestEntry } from './direct-call-transport.ts';
import { VERSION } from '../lib/version.ts';

// The route loads this module (and with it the SDK) on its first request: it takes the SDK's check from here.
export { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
export { directCall } from './direct-call-transport.ts';

export interface SessionOptions {
  name: string;
  instructions: string;
  pipeline: ToolPipeline;
  clientName: string;
  now: () => number;
  onOpen(session: McpSession): void;
  onClose(id: string): void;
  resources?: McpResources;
  /** Rebuild a session another instance opened (scale-out): keep its id; an EventStore for resumability. */
  sessionId?: string;
  eventStore?: EventStore;
}

export interface McpSession extends StoredSession {
  /** The SDK transport: every request except the tools/calls `direct` takes. */
  transport: WebStandardStreamableHTTPServerTransport;
  /** What `server` is connected to: the SDK transport plus the direct tools/call answers. */
  direct: DirectCallTransport;
  server: Server;
  /** tools/call requests in flight, by JSON-RPC id, with what the route prepared for them. */
  calls: Map<JsonRpcId, PreparedCall | undefined>;
}

/** AuthInfo for the SDK: carries our principal, never the bearer token itself. */
export function authInfoOf(principal: Principal): AuthInfo {
  return { token: '', clientId: principal.clientName, scopes: [], expiresAt: principal.expiresAt, extra: { principal } };
}

function principalOf(authInfo: AuthInfo | undefined): Principal {
  const p = authInfo?.extra?.principal as Principal | undefined;
  if (!p) throw new Error('request reached the MCP server without a principal');
  return p;
}

/*
 * The SDK parses a request with the handler's schema before anything else and answers a failure
 * with -32603. Registering loose schemas and checking params ourselves (and, for tools/call, in
 * the SDK's own wrapper) makes missing or malformed params the -32602 the spec asks for.
 */
const LOOSE_CALL = z.looseObject({ method: z.literal('tools/call'), params: z.unknown().optional() });
const LOOSE_LIST = z.looseObject({ method: z.literal('tools/list'), params: z.unknown().optional() });

function invalidParams(method: string, error: z.ZodError): McpError {
  const detail = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
  return new McpError(RpcCode.InvalidParams, `Invalid ${method} params: ${detail}`);
}

/**
 * The SDK's Server builds an Ajv instance (all formats, meta-schemas) per session to check
 * elicitation answers: ~10 % of the cost of opening a session, for a feature most sessions never
 * use. This one builds that session's Ajv on its first elicitation instead; still one per
 * session, so nothing compiled is shared between clients or outlives the session.
 */
class LazyAjvValidator implements jsonSchemaValidator {
  #inner: AjvJsonSchemaValidator | undefined;
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.#inner ??= new AjvJsonSchemaValidator();
    return this.#inner.getValidator<T>(schema);
  }
}

/** Create the server + transport pair; the session is stored once `initialize` succeeds. */
export function createMcpSession(opts: SessionOptions): McpSession {
  const server = new Server({ name: opts.name, version: VERSION }, { capabilities: { tools: { listChanged: true }, prompts: {}, ...(opts.resources ? { resources: {} } : {}) }, instructions: opts.instructions, jsonSchemaValidator: new LazyAjvValidator() });
  let session: McpSession;
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: opts.sessionId ? () => opts.sessionId as string : newSessionId,
    ...(opts.eventStore ? { eventStore: opts.eventStore } : {}),
    onsessioninitialized: () => opts.onOpen(session),
    onsessionclosed: (id) => opts.onClose(id),
  });
  spliceLargeAnswers(transport);
  const direct = new DirectCallTransport(transport, protocolRequestEntry(server));
  session = {
    id: '', clientName: opts.clientName, lastSeenAt: opts.now(), inFlight: 0, transport, direct, server, calls: new Map(),
    async close() { await direct.close().catch(() => undefined); await server.close().catch(() => undefined); },
  };
  Object.defineProperty(session, 'id', { get: () => transport.sessionId ?? '' });
  const pipe = opts.pipeline;
  server.setRequestHandler(LOOSE_LIST, (raw, extra) => {
    const parsed = ListToolsRequestSchema.safeParse(raw);
    if (!parsed.success) throw invalidParams('tools/list', parsed.error);
    if (parsed.data.params?.cursor !== undefined) throw new McpError(RpcCode.InvalidParams, 'Invalid cursor: tools/list answers in one page and issues no cursors; call it without "cursor"');
    return { tools: pipe.listFor(principalOf(extra.authInfo)) };
  });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listPrompts() }));
  server.setRequestHandler(GetPromptRequestSchema, (req) => getPrompt(req.params.name, req.params.arguments));
  const res = opts.resources;
  if (res) {
    server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => ({ resources: await res.list(principalOf(extra.authInfo)) }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: res.templates() }));
    server.setRequestHandler(ReadResourceRequestSchema, (req, extra) => res.read(principalOf(extra.authInfo), req.params.uri));
  }
  server.setRequestHandler(LOOSE_CALL, async (raw, extra) => {
    const parsed = CallToolRequestSchema.safeParse(raw);
    if (!parsed.success) throw invalidParams('tools/call', parsed.error);
    const req = parsed.data;
    const principal = principalOf(extra.authInfo);
    const token = req.params._meta?.progressToken;
    const prepared = session.calls.get(extra.requestId) ?? pipe.prepare(req.params.name, req.params.arguments);
    session.inFlight++;
    try {
      return await pipe.run(principal, prepared, {
        signal: extra.signal, requestId: String(extra.requestId), sessionId: session.id,
        // In-client approval of writes: only when the client declared the elicitation capability.
        ...(server.getClientCapabilities()?.elicitation ? {
          async elicit(message: string, requestedSchema: ElicitSchema) {
            const r = await extra.sendRequest({ method: 'elicitation/create', params: { message, requestedSchema } }, ElicitResultSchema, { signal: extra.signal, timeout: 10 * 60_000 });
            return { action: r.action, ...(r.content ? { content: r.content } : {}) };
          },
        } : {}),
        async progress(progress, total, message) {
          if (token === undefined || extra.signal.aborted) return;
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) } });
        },
      });
    } finally {
      session.inFlight--;
      session.calls.delete(extra.requestId);
      session.lastSeenAt = opts.now();
    }
  });
  return session;
}
