/**
 * @module One MCP session: its own low-level Server and transport (never shared between clients,
 * GHSA-345p-7cg4-v4c7), tools/list filtered by the caller's profile, tools/call through the registry.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourceTemplatesRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpResources } from './content/resources.ts';
import { getPrompt, listPrompts } from './content/prompts.ts';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Principal } from '../auth/principal.ts';
import type { ToolRegistry } from './tool-registry.ts';
import type { StoredSession } from './session-store.ts';
import { newSessionId } from './session-store.ts';
import { runToolCall } from './run-tool-call.ts';
import { VERSION } from '../lib/version.ts';

export interface SessionOptions {
  name: string;
  instructions: string;
  registry: ToolRegistry;
  clientName: string;
  now: () => number;
  onOpen(session: McpSession): void;
  onClose(id: string): void;
  resources?: McpResources;
}

export interface McpSession extends StoredSession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
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

/** Create the server + transport pair; the session is stored once `initialize` succeeds. */
export function createMcpSession(opts: SessionOptions): McpSession {
  const server = new Server({ name: opts.name, version: VERSION }, { capabilities: { tools: { listChanged: true }, prompts: {}, ...(opts.resources ? { resources: {} } : {}) }, instructions: opts.instructions });
  let session: McpSession;
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: newSessionId,
    onsessioninitialized: () => opts.onOpen(session),
    onsessionclosed: (id) => opts.onClose(id),
  });
  session = {
    id: '', clientName: opts.clientName, lastSeenAt: opts.now(), inFlight: 0, transport, server,
    async close() { await transport.close().catch(() => undefined); await server.close().catch(() => undefined); },
  };
  Object.defineProperty(session, 'id', { get: () => transport.sessionId ?? '' });
  const reg = opts.registry;
  server.setRequestHandler(ListToolsRequestSchema, (_req, extra) => ({ tools: reg.listFor(principalOf(extra.authInfo)) }));
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listPrompts() }));
  server.setRequestHandler(GetPromptRequestSchema, (req) => getPrompt(req.params.name, req.params.arguments));
  const res = opts.resources;
  if (res) {
    server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => ({ resources: await res.list(principalOf(extra.authInfo)) }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: res.templates() }));
    server.setRequestHandler(ReadResourceRequestSchema, (req, extra) => res.read(principalOf(extra.authInfo), req.params.uri));
  }
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const principal = principalOf(extra.authInfo);
    const token = req.params._meta?.progressToken;
    session.inFlight++;
    try {
      return await runToolCall(reg, principal, req.params.name, req.params.arguments, {
        signal: extra.signal, requestId: String(extra.requestId), sessionId: session.id,
        async progress(progress, total, message) {
          if (token === undefined || extra.signal.aborted) return;
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) } });
        },
      });
    } finally {
      session.inFlight--;
      session.lastSeenAt = opts.now();
    }
  });
  return session;
}
