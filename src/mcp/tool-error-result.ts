/**
 * @module Any failure of a tool call → an `isError` result with a message an agent can act on
 * (what went wrong, what to do), redacted, never a stack trace or a file path.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';

const PREFIX: Partial<Record<AppError['code'], string>> = {
  E_INPUT_INVALID: 'Invalid request',
  E_NOT_FOUND: 'Not found',
  E_UNAUTHORIZED: 'Not authorised',
  E_RATE_LIMITED: 'Rate limited',
  E_UPSTREAM: 'Cisco system error',
  E_AUDIT_WRITE: 'Refused because the audit log cannot be written',
};

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/** Text for an error result; `internal` is true when the cause is not an AppError. */
export function describeToolError(err: unknown, tool: string): { text: string; code: string; internal: boolean } {
  if (err instanceof AppError) {
    const prefix = PREFIX[err.code];
    const text = `${prefix ? `${prefix}: ` : ''}${err.message}${err.hint ? `; ${err.hint}` : ''}`;
    return { text: redactText(text), code: err.code, internal: false };
  }
  if (isAbort(err)) return { text: `Cancelled: "${tool}" was cancelled before it finished`, code: 'E_CANCELLED', internal: false };
  return { text: `Internal error in "${tool}"; the server log has details, and retrying will not help until it is fixed`, code: 'E_INTERNAL', internal: true };
}

export function errorResult(text: string, extra: Record<string, unknown> = {}): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true, ...(Object.keys(extra).length ? { structuredContent: { error: text, ...extra } } : {}) };
}
