/** @module Typed application errors: a stable code, a message safe to show, a hint saying what to do. */

export const ERROR_CODES = {
  E_CONFIG_INVALID: 'E_CONFIG_INVALID',
  E_CONFIG_UNREADABLE: 'E_CONFIG_UNREADABLE',
  E_USAGE: 'E_USAGE',
  E_KEY_INVALID: 'E_KEY_INVALID',
  E_KEY_MISMATCH: 'E_KEY_MISMATCH',
  E_TLS_INVALID: 'E_TLS_INVALID',
  E_PORT_IN_USE: 'E_PORT_IN_USE',
  E_AUDIT_WRITE: 'E_AUDIT_WRITE',
  E_AUDIT_INVALID: 'E_AUDIT_INVALID',
  E_STATE_WRITE: 'E_STATE_WRITE',
  E_STATE_UNAVAILABLE: 'E_STATE_UNAVAILABLE',
  E_NOT_FOUND: 'E_NOT_FOUND',
  E_FORBIDDEN: 'E_FORBIDDEN',
  E_UNAUTHORIZED: 'E_UNAUTHORIZED',
  E_RATE_LIMITED: 'E_RATE_LIMITED',
  E_INPUT_INVALID: 'E_INPUT_INVALID',
  /** The Cisco node refused our login (stored credentials wrong or locked): an operator fixes them. */
  E_CISCO_AUTH: 'E_CISCO_AUTH',
  /** Logged in, but the Cisco user lacks the role for this request: fix the user's roles on the node. */
  E_CISCO_FORBIDDEN: 'E_CISCO_FORBIDDEN',
  /** The node is busy or throttling (AXL memory/throttle, HTTP 503/429): retry later, smaller. */
  E_CISCO_THROTTLED: 'E_CISCO_THROTTLED',
  /** No connection (DNS, TCP, TLS, SSH handshake, timeout to connect): check the node and network. */
  E_CISCO_UNREACHABLE: 'E_CISCO_UNREACHABLE',
  /** The node answered with a fault about the request (SOAP fault, SQL error, CLI error): fix the request. */
  E_CISCO_FAULT: 'E_CISCO_FAULT',
  /** The node's answer could not be understood (not XML/JSON, wrong shape): report it. */
  E_CISCO_PROTOCOL: 'E_CISCO_PROTOCOL',
  /** The caller cancelled the request. */
  E_CANCELLED: 'E_CANCELLED',
  /** A time budget ran out (command, paging, request): retry with less work or a longer timeout. */
  E_TIMEOUT: 'E_TIMEOUT',
  E_INTEGRITY: 'E_INTEGRITY',
  E_BACKUP: 'E_BACKUP',
  E_RESTORE: 'E_RESTORE',
  E_RUNNING: 'E_RUNNING',
  E_HOST_KEY: 'E_HOST_KEY',
  E_SFTP: 'E_SFTP',
  E_UPGRADE: 'E_UPGRADE',
  E_INTERNAL: 'E_INTERNAL',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes where the same call may succeed later unchanged (tool errors carry this as `retryable`). */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['E_RATE_LIMITED', 'E_CISCO_THROTTLED', 'E_CISCO_UNREACHABLE', 'E_TIMEOUT', 'E_CANCELLED', 'E_AUDIT_WRITE', 'E_RUNNING']);

export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/**
 * Facts about a failure at a Cisco node or phone, for the caller's program: `reason` is a stable
 * snake_case class (the table is `cisco/upstream-error.ts`), the rest is what the node said.
 */
export interface UpstreamFacts {
  reason: string;
  node?: string;
  http_status?: number;
  /** Cisco's own code: AXL `axlcode`, CUPI ErrorDetails `code`, CiscoIPPhoneError `Number`. */
  cisco_code?: string;
}

export interface AppErrorOptions {
  hint?: string;
  cause?: unknown;
  upstream?: UpstreamFacts;
  /** Overrides `isRetryable(code)` when this instance knows better (e.g. a write whose outcome is unknown). */
  retryable?: boolean;
}

/** An error whose message is safe to show to an operator or a client (never holds a secret). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly upstream: UpstreamFacts | undefined;
  /** May the same call succeed later unchanged. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
    this.upstream = options.upstream;
    this.retryable = options.retryable ?? isRetryable(code);
  }

  /** One line for a terminal: message, then the hint after a semicolon. */
  toLine(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Message of any thrown value, without stack or internals. */
export function errorMessage(value: unknown): string {
  if (value instanceof AppError) return value.toLine();
  if (value instanceof Error) return value.message;
  return String(value);
}
