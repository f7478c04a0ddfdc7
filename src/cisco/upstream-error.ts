/**
 * @module The one table of ways a Cisco node (or phone) can fail a request, and the one
 * constructor for those errors. Each `reason` is a stable machine-readable class that a caller's
 * program can branch on (`structuredContent.error.reason`); it fixes the error `code` (what the
 * caller does next, lib/errors.ts) and whether the same call may succeed later (`retryable`).
 * Rule: a Cisco client never builds an AppError for a node's failure by hand; it calls
 * `upstreamError(reason, …)`, so code, retryable and facts cannot disagree between clients.
 */
import { AppError } from '../lib/errors.ts';
import type { ErrorCode } from '../lib/errors.ts';

interface ReasonClass { code: ErrorCode; retryable: boolean }

export const UPSTREAM_REASONS = {
  /** No answer within the timeout (connect, request, SSH prompt). */
  timeout: { code: 'E_TIMEOUT', retryable: true },
  /** TCP connection refused: nothing listens on that host and port. */
  connection_refused: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** The host name does not resolve (NXDOMAIN): fix CISCO_NODES or DNS. */
  dns_not_found: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The resolver did not answer (EAI_AGAIN). */
  dns_temporary: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** The connection was reset or broken while talking. */
  connection_reset: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** Any other socket failure. */
  network_error: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** The node's certificate chain is not trusted by the configured CA bundle. */
  tls_untrusted: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The node's certificate is expired or not yet valid. */
  tls_expired: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The node's certificate does not name the host it was reached by. */
  tls_hostname: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The node's certificate key differs from its pin (CISCO_NODE_PINS); nothing was sent. */
  tls_pin_mismatch: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The node's SSH host key differs from the trusted one; nothing was sent. */
  ssh_host_key_changed: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The SSH session ended under us (node closed it, or it was closed by an earlier failure). */
  session_closed: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** The node has no such service at that port/path (HTTP 404 on the service URL). */
  service_missing: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** A phone is not registered or RIS has no usable address for it. */
  device_unregistered: { code: 'E_CISCO_UNREACHABLE', retryable: true },
  /** Too many requests already wait for this node in aibridge. */
  node_busy: { code: 'E_CISCO_THROTTLED', retryable: true },
  /** The node throttles (HTTP 503, AXL "Maximum AXL Memory Allocation Consumed"). */
  throttled: { code: 'E_CISCO_THROTTLED', retryable: true },
  /** The node refused the stored credentials (HTTP 401, SSH authentication, phone authentication). */
  auth_rejected: { code: 'E_CISCO_AUTH', retryable: false },
  /** Logged in, but the Cisco user lacks the role (HTTP 403). */
  role_missing: { code: 'E_CISCO_FORBIDDEN', retryable: false },
  /** The node answered a SOAP fault about the request (`cisco_code` = axlcode when given). */
  soap_fault: { code: 'E_CISCO_FAULT', retryable: false },
  /** The node refused the request with an HTTP 4xx (CUPI ErrorDetails code in `cisco_code`). */
  request_rejected: { code: 'E_CISCO_FAULT', retryable: false },
  /** The node failed with HTTP 5xx and no fault saying why. */
  server_error: { code: 'E_CISCO_FAULT', retryable: false },
  /** The object asked for does not exist on the node. */
  not_found: { code: 'E_NOT_FOUND', retryable: false },
  /** The CLI command failed on the node. */
  cli_error: { code: 'E_CISCO_FAULT', retryable: false },
  /** The answer would exceed the size cap: ask for less (fields, filters, paging). */
  answer_too_large: { code: 'E_CISCO_FAULT', retryable: false },
  /** The node says the list matches too many rows for one answer (AXL "Suggestive Row Fetch"). */
  too_many_rows: { code: 'E_CISCO_FAULT', retryable: false },
  /** The node or model does not support what was asked. */
  unsupported: { code: 'E_CISCO_FAULT', retryable: false },
  /** A phone could not do what it was asked (its own internal error). */
  device_error: { code: 'E_CISCO_FAULT', retryable: true },
  /** A write's connection broke after it was sent: it may have been applied; check before retrying. */
  write_outcome_unknown: { code: 'E_CISCO_UNREACHABLE', retryable: false },
  /** The answer could not be understood (not XML/JSON, wrong shape, unreadable file, redirect). */
  malformed_answer: { code: 'E_CISCO_PROTOCOL', retryable: false },
  /** The caller cancelled while the node was being asked. */
  cancelled: { code: 'E_CANCELLED', retryable: true },
} as const satisfies Record<string, ReasonClass>;

export type UpstreamReason = keyof typeof UPSTREAM_REASONS;

export interface UpstreamErrorOptions {
  hint?: string;
  cause?: unknown;
  node?: string;
  httpStatus?: number;
  ciscoCode?: string | number;
  /** Only where this instance knows better than its class (e.g. a throttled write). */
  retryable?: boolean;
}

/** The class (code, retryable) of a reason. */
export function reasonClass(reason: UpstreamReason): ReasonClass {
  return UPSTREAM_REASONS[reason];
}

export function upstreamError(reason: UpstreamReason, message: string, o: UpstreamErrorOptions = {}): AppError {
  const cls = UPSTREAM_REASONS[reason];
  return new AppError(cls.code, message, {
    ...(o.hint !== undefined ? { hint: o.hint } : {}),
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
    retryable: o.retryable ?? cls.retryable,
    upstream: {
      reason,
      ...(o.node !== undefined ? { node: o.node } : {}),
      ...(o.httpStatus !== undefined ? { http_status: o.httpStatus } : {}),
      ...(o.ciscoCode !== undefined && String(o.ciscoCode) !== '' ? { cisco_code: String(o.ciscoCode).slice(0, 40) } : {}),
    },
  });
}

/** The reason of an error a Cisco client raised, if it has one. */
export function reasonOf(err: unknown): UpstreamReason | undefined {
  const r = err instanceof AppError ? err.upstream?.reason : undefined;
  return r !== undefined && Object.hasOwn(UPSTREAM_REASONS, r) ? r as UpstreamReason : undefined;
}

/**
 * Reasons that prove a request did not take effect on the node: it was never sent (no
 * connection, the TLS or SSH identity check failed before a byte of it went out, aibridge's own
 * gate), or the node answered and refused it. Everything else (timeout, reset, a 5xx without a
 * fault, an unreadable answer, cancellation) leaves a write's outcome open.
 */
const NOT_APPLIED_REASONS: ReadonlySet<UpstreamReason> = new Set<UpstreamReason>([
  'connection_refused', 'dns_not_found', 'dns_temporary', 'tls_untrusted', 'tls_expired', 'tls_hostname',
  'tls_pin_mismatch', 'ssh_host_key_changed', 'node_busy',
  'throttled', 'auth_rejected', 'role_missing', 'soap_fault', 'request_rejected', 'service_missing', 'not_found', 'cli_error', 'unsupported',
]);

/** Error codes aibridge raises before it sends anything (input, policy and allowlist checks). */
const LOCAL_REFUSAL_CODES: ReadonlySet<string> = new Set(['E_INPUT_INVALID', 'E_FORBIDDEN']);

/**
 * Whether `err` (from a call that may have written) proves that nothing was changed: a reason of
 * NOT_APPLIED_REASONS, or one of aibridge's own refusals raised before any request (no reason).
 */
export function provesNotApplied(err: unknown): boolean {
  if (!(err instanceof AppError)) return false;
  const reason = reasonOf(err);
  if (reason !== undefined) return NOT_APPLIED_REASONS.has(reason);
  return err.upstream === undefined && LOCAL_REFUSAL_CODES.has(err.code);
}

/** Reason for an HTTP status the client has no specific handling for. */
export function httpReason(status: number): UpstreamReason {
  if (status === 401) return 'auth_rejected';
  if (status === 403) return 'role_missing';
  if (status === 429 || status === 503) return 'throttled';
  if (status >= 300 && status < 400) return 'malformed_answer';
  if (status >= 500) return 'server_error';
  return 'request_rejected';
}

/** The same error with a better hint than the client could give (e.g. a SQL hint for a SQL fault). */
export function withHint(err: AppError, hint: string): AppError {
  return new AppError(err.code, err.message, { hint, cause: err, retryable: err.retryable, ...(err.upstream ? { upstream: err.upstream } : {}) });
}
