/**
 * @module The tool-error wire format: any failure of a tools/call becomes an `isError` result
 * whose text an agent can act on and whose `structuredContent.error` is machine-readable —
 * `{ code, message, hint, retryable }` plus the deciding `rule` and `allowed_by` for refusals, and
 * for a failure at a Cisco node its class `reason` (cisco/upstream-error.ts), `node`,
 * `http_status` and Cisco's own `cisco_code` (axlcode, CUPI error code, CiscoIPPhoneError number).
 * Messages are redacted; a cause that is not an AppError is never shown (it may name files).
 * The other wire formats have one constructor each: JSON-RPC (mcp/json-rpc-response.ts),
 * OAuth (auth/oauth/oauth-error.ts), HTTP (http/error-response.ts).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError, type ErrorCode } from '../../lib/errors.ts';
import { redactText } from '../../lib/redact.ts';

export interface ToolErrorBody {
  code: ErrorCode;
  message: string;
  hint?: string;
  retryable: boolean;
  /** The rule that refused the call (RBAC or a policy). */
  rule?: string;
  /** Shipped or installed profiles that would allow this call. */
  allowed_by?: string[];
  /** Failure at a Cisco node: its stable class, e.g. `tls_pin_mismatch`, `soap_fault`, `throttled`. */
  reason?: string;
  node?: string;
  http_status?: number;
  cisco_code?: string;
}

const PREFIX: Partial<Record<ErrorCode, string>> = {
  E_INPUT_INVALID: 'Invalid request',
  E_NOT_FOUND: 'Not found',
  E_UNAUTHORIZED: 'Not authorised',
  E_RATE_LIMITED: 'Rate limited',
  E_CISCO_AUTH: 'Cisco login failed',
  E_CISCO_FORBIDDEN: 'Refused by the Cisco system',
  E_CISCO_THROTTLED: 'Cisco system busy',
  E_CISCO_UNREACHABLE: 'Cisco system unreachable',
  E_CISCO_FAULT: 'Cisco system error',
  E_CISCO_PROTOCOL: 'Unexpected answer from the Cisco system',
  E_TIMEOUT: 'Timed out',
  E_AUDIT_WRITE: 'Refused because the audit log cannot be written',
};

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

export interface DescribedError { text: string; body: ToolErrorBody; internal: boolean }

/** Text and body for any thrown value; `internal` when the cause is not an AppError (a bug). */
export function describeToolError(err: unknown, tool: string): DescribedError {
  if (err instanceof AppError) {
    const prefix = PREFIX[err.code];
    const text = redactText(`${prefix ? `${prefix}: ` : ''}${err.message}${err.hint ? `; ${err.hint}` : ''}`);
    const body: ToolErrorBody = { code: err.code, message: redactText(err.message), retryable: err.retryable, ...(err.hint ? { hint: redactText(err.hint) } : {}), ...err.upstream };
    return { text, body, internal: false };
  }
  if (isAbort(err)) {
    const message = `"${tool}" was cancelled before it finished`;
    return { text: `Cancelled: ${message}`, body: { code: 'E_CANCELLED', message, retryable: true }, internal: false };
  }
  const message = `Internal error in "${tool}"; the server log has details, and retrying will not help until it is fixed`;
  return { text: message, body: { code: 'E_INTERNAL', message, retryable: false }, internal: true };
}

/** The `isError` result for a described error; `extra` adds rule / allowed_by. */
export function toolErrorResult(d: { text: string; body: ToolErrorBody }, extra: Pick<ToolErrorBody, 'rule' | 'allowed_by'> = {}): CallToolResult {
  const error: ToolErrorBody = { ...d.body, ...(extra.rule ? { rule: extra.rule } : {}), ...(extra.allowed_by ? { allowed_by: extra.allowed_by } : {}) };
  return { content: [{ type: 'text', text: d.text }], isError: true, structuredContent: { error } };
}

/** Shorthand: an AppError straight to its result. */
export function errorToResult(err: AppError, tool: string, extra: Pick<ToolErrorBody, 'rule' | 'allowed_by'> = {}): CallToolResult {
  return toolErrorResult(describeToolError(err, tool), extra);
}
