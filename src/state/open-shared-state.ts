/**
 * @module Open the SharedState the .env asks for (STATE_BACKEND): the local files of this install,
 * or Valkey. Used by `serve` and by every CLI command that changes shared state (`clients revoke`,
 * `fail2ban unblock`, `changes approve`…), so an operator's action on one instance reaches all.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { SharedState } from './shared-state.ts';
import { createLocalState } from './local-state.ts';
import { createValkeyState, republishRevocations } from './valkey-state.ts';
import { ExpiringSetFile } from './local/expiring-set-file.ts';
import { RefreshTokenStore } from './local/refresh-token-store.ts';
import { AuthorizationCodes } from './local/authorization-codes.ts';
import { LoginSessions } from './local/login-sessions.ts';
import { authStatePaths } from './local/auth-state-paths.ts';

export interface OpenStateOptions {
  config: Config;
  logger: Logger;
  /** Epoch seconds. */
  now?: () => number;
}

/** How this instance names itself in audit records and leases. */
export function instanceName(config: Config): string {
  return config.env.INSTANCE_NAME || `${hostname()}:${config.env.MCP_SERVER_PORT}`;
}

export async function openSharedState(o: OpenStateOptions): Promise<SharedState> {
  const now = o.now ?? ((): number => Math.floor(Date.now() / 1000));
  const e = o.config.env;
  const paths = authStatePaths(o.config.paths.secretsDir);
  const revoked = new ExpiringSetFile(paths.revoked, now);
  const cutoffs = new ExpiringSetFile(paths.cutoffs, now);
  const instance = instanceName(o.config);
  if (e.STATE_BACKEND === 'local') {
    return createLocalState({
      instance, revoked, cutoffs, blocks: new ExpiringSetFile(paths.blocks, now),
      refresh: new RefreshTokenStore(paths.refresh, now), codes: new AuthorizationCodes(now), logins: new LoginSessions(now),
      nowMs: () => now() * 1000,
    });
  }
  // Loaded only for STATE_BACKEND=valkey: iovalkey costs start-up time a local install would pay otherwise.
  const { ValkeyConnection } = await import('./valkey-connection.ts');
  const conn = new ValkeyConnection({
    url: e.VALKEY_URL, caFile: e.VALKEY_CA_FILE || undefined, keyPrefix: e.VALKEY_KEY_PREFIX,
    connectTimeoutMs: e.VALKEY_CONNECT_TIMEOUT_MS, commandTimeoutMs: e.VALKEY_COMMAND_TIMEOUT_MS, logger: o.logger,
  });
  await conn.connect();
  const state = createValkeyState(conn, { instance, revocationMirror: revoked, cutoffMirror: cutoffs, ...(o.now ? { now: o.now } : {}) });
  await republishRevocations(state, { revoked, cutoffs });
  return state;
}

function mirrorsOf(config: Config): { revoked: ExpiringSetFile; cutoffs: ExpiringSetFile } {
  const now = (): number => Math.floor(Date.now() / 1000);
  const paths = authStatePaths(config.paths.secretsDir);
  return { revoked: new ExpiringSetFile(paths.revoked, now), cutoffs: new ExpiringSetFile(paths.cutoffs, now) };
}

/** Publish what this install's files hold (written by start-up's client sync or the CLI) to the store. */
export async function publishLocalRevocations(state: SharedState, config: Config): Promise<void> {
  if (state.kind === 'valkey') await republishRevocations(state, mirrorsOf(config));
}

/** Keep the store's copy of revocations complete: re-publish the local mirror every `ms`. */
export function startRevocationSync(state: SharedState, config: Config, ms = 30_000): () => void {
  if (state.kind !== 'valkey') return () => undefined;
  const mirrors = mirrorsOf(config);
  const t = setInterval(() => { republishRevocations(state, mirrors).catch(() => undefined); }, ms);
  t.unref();
  return () => clearInterval(t);
}
