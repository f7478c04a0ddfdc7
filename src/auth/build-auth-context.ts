/** @module Assemble the AuthContext from the loaded config and the server key pair. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config/load-config.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../log/logger.ts';
import { ASSET_SOURCES } from '../lib/assets.ts';
import type { AuthContext, AuthSettings } from './auth-context.ts';
import { auditRefusal } from './auth-context.ts';
import { parseClientSpecs } from './clients/client-spec.ts';
import { ClientFiles } from './clients/client-files.ts';
import { ExpiringSetFile } from '../state/local/expiring-set-file.ts';
import { Fail2Ban } from './fail2ban/fail2ban.ts';
import { BearerVerifier } from './tokens/bearer-verifier.ts';
import { tokenKeys } from './tokens/token-keys.ts';
import type { SharedState } from '../state/shared-state.ts';
import { openSharedState } from '../state/open-shared-state.ts';
import { authStatePaths } from '../state/local/auth-state-paths.ts';

export interface BuildAuthOptions {
  config: Config;
  rsa: { privateKey: KeyObject; publicKey: KeyObject };
  audit: AuditLog;
  logger: Logger;
  /** Epoch seconds (tests inject a fake clock). */
  now?: () => number;
  /** The shared state; opened from the config (STATE_BACKEND) when not given. */
  state?: SharedState;
}

/** A profile exists when `<install>/profiles/<name>.json` is there or it is an embedded default. */
export function profileExists(profilesDir: string, name: string): boolean {
  return existsSync(join(profilesDir, `${name}.json`)) || `profiles/${name}.json` in ASSET_SOURCES;
}

export function authSettings(config: Config): AuthSettings {
  const e = config.env;
  return {
    issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE, mcpPath: e.MCP_SERVER_URL_PATH,
    resource: `${e.AUTH_ISSUER}${e.MCP_SERVER_URL_PATH === '/' ? '/' : e.MCP_SERVER_URL_PATH}`,
    globalMode: e.AUTH_MODE, jwtLifetimeSeconds: e.AUTH_TOKEN_EXPIRY_DAYS * 86_400, accessTokenSeconds: e.AUTH_OAUTH_TOKEN_EXPIRY_SECONDS,
    redirectUris: e.AUTH_OAUTH_REDIRECT_URIS, redirectEnforcement: e.AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT,
  };
}

export async function buildAuthContext(o: BuildAuthOptions): Promise<AuthContext> {
  const { config, audit, logger } = o;
  const now = o.now ?? ((): number => Math.floor(Date.now() / 1000));
  const settings = authSettings(config);
  const specs = parseClientSpecs(config.env.AUTH_CLIENTS, settings.globalMode, (p) => profileExists(config.paths.profilesDir, p));
  const clients = new Map(specs.map((s) => [s.name, s]));
  const keys = await tokenKeys(o.rsa.privateKey, o.rsa.publicKey);
  const files = new ClientFiles(config.paths.clientsDir);
  const paths = authStatePaths(config.paths.secretsDir);
  const state = o.state ?? await openSharedState({ config, logger, ...(o.now ? { now: o.now } : {}) });
  const revoked = state.revocations;
  const ctx: AuthContext = {
    settings, keys, clients, files, state, revoked, revokedFile: new ExpiringSetFile(paths.revoked, now), audit, logger, now,
    verifier: new BearerVerifier({ keys, issuer: settings.issuer, audiences: [settings.audience, settings.resource], clients, files, revoked, cutoffs: state.cutoffs, now }),
    refresh: state.refresh,
    codes: state.codes,
    sessions: state.logins,
    fail2ban: new Fail2Ban({
      limit: config.env.AUTH_FAIL_LIMIT, windowSeconds: config.env.AUTH_FAIL_WINDOW_SECONDS, blockSeconds: config.env.AUTH_BLACKLIST_DURATION_SECONDS,
      blocks: state.blocks, failures: state.failures, now,
      onBlock: (ip, failures, until) => auditRefusal({ audit, logger }, 'ip_blocked', { source_ip: ip, failures, until: new Date(until * 1000).toISOString() }),
      onUnblock: (ip, refused) => auditRefusal({ audit, logger }, 'ip_unblocked', { source_ip: ip, refused_while_blocked: refused }),
    }),
  };
  return ctx;
}
