/**
 * @module JSON-RPC errors that handlers outside mcp-session.ts throw, as the SDK's McpError (the
 * class its Server and Protocol recognise with `instanceof`). The SDK's types module (hundreds of
 * zod message schemas built when it is evaluated) is imported on first use instead of at start-up:
 * these errors are only thrown inside requests that reached the MCP route, which loaded the SDK.
 */
import type { McpError } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC "Invalid params". */
export const INVALID_PARAMS = -32602;
/** "Resource not found" in the MCP specification (server/resources, error handling). */
export const RESOURCE_NOT_FOUND = -32002;

export async function mcpError(code: number, message: string, data?: unknown): Promise<McpError> {
  const { McpError: SdkMcpError } = await import('@modelcontextprotocol/sdk/types.js');
  return new SdkMcpError(code, message, data);
}
