/**
 * @module Everything the auth middleware and the OAuth endpoints share, built once at start-up
 * step 7: settings from .env, keys, the client registry, and the shared state (revocations, IP
 * blocks, refresh tokens, authorization codes and login sessions: local files and memory, or Valkey).
 */
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../log/logger.ts';
import type { LogFields } from '../log/logger.ts';
import { errorMessage } from '../lib/errors.ts';
import type { ClientSpec, GlobalAuthMode } from './clients/client-spec.ts';
import type { ClientFiles } from './clients/client-files.ts';
import type { ExpiringSetFile } from '../state/local/expiring-set-file.ts';
import type { Fail2Ban } from './fail2ban/fail2ban.ts';
import type { CodeState, ExpiringSetState, LoginState, RefreshState, SharedState } from '../state/shared-state.ts';
import type { BearerVerifier } from './tokens/bearer-verifier.ts';
import type { TokenKeys } from './tokens/token-keys.ts';

export interface AuthSettings {
  /** AUTH_ISSUER: the AS issuer identifier (RFC 8414 §2) and JWT `iss`. */
  issuer: string;
  /** AUTH_AUDIENCE: `aud` of JWT-mode tokens and of access tokens requested without `resource`. */
  audience: string;
  mcpPath: string;
  /** The protected resource identifier (RFC 9728 §2): issuer + MCP path. */
  resource: string;
  globalMode: GlobalAuthMode;
  jwtLifetimeSeconds: number;
  accessTokenSeconds: number;
  redirectUris: Readonly<Record<string, readonly string[]>>;
  redirectEnforcement: 'off' | 'strict';
}

export interface AuthContext {
  settings: AuthSettings;
  keys: TokenKeys;
  clients: ReadonlyMap<string, ClientSpec>;
  files: ClientFiles;
  /** Shared state (local files or Valkey): revocations, codes, refresh families, login sessions. */
  state: SharedState;
  revoked: ExpiringSetState;
  /** This install's revocation file (client sync at start-up writes it; published to the state). */
  revokedFile: ExpiringSetFile;
  fail2ban: Fail2Ban;
  verifier: BearerVerifier;
  refresh: RefreshState;
  codes: CodeState;
  sessions: LoginState;
  audit: AuditLog;
  logger: Logger;
  /** Epoch seconds. */
  now: () => number;
}

/** OAuth is served at all (AUTH_MODE oauth2 or jwt+oauth2). */
export function oauthEnabled(ctx: AuthContext): boolean {
  return ctx.settings.globalMode !== 'jwt';
}

/**
 * Audit an AUTH event that reports a refusal: if the audit log cannot take it, the refusal still
 * stands and the failure goes to app.log. (Successes use `audit.append` directly and fail closed.)
 */
export function auditRefusal(ctx: Pick<AuthContext, 'audit' | 'logger'>, event: string, fields: LogFields): void {
  try {
    ctx.audit.append('AUTH', event, fields);
  } catch (err) {
    ctx.logger.error('audit_write_failed', { event, message: errorMessage(err) });
  }
  ctx.logger.warning(`auth_${event}`, fields);
}

/** Count an authentication failure for fail2ban (and audit the block it may cause). */
export async function countFailure(ctx: AuthContext, ip: string): Promise<void> {
  await ctx.fail2ban.recordFailure(ip);
}
