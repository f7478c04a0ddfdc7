/** @module `aibridge clients list`: each configured client with its credentials' state, never a secret. */
import type { Config } from '../../config/load-config.ts';
import { authSettings, profileExists } from '../build-auth-context.ts';
import { parseClientSpecs, usesJwt, usesOAuth } from './client-spec.ts';
import type { ClientAuthMode } from './client-spec.ts';
import { ClientFiles } from './client-files.ts';
import { isBcryptHash } from './client-secret.ts';
import { decodeJwt } from 'jose';

export interface ClientRow {
  name: string; subject: string; profile: string; mode: ClientAuthMode;
  /** JWT expiry (ISO 8601), "missing", or "-" when the mode has no JWT. */
  tokenExpiry: string;
  /** "one-time secret not yet used", "hash only", "missing" or "-". */
  secret: string;
}

function expiryOf(token: string | undefined): string {
  if (!token) return 'missing (issued at next start)';
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'unreadable';
  } catch { return 'unreadable (renewed at next start)'; }
}

export function listClients(config: Config): ClientRow[] {
  const settings = authSettings(config);
  const specs = parseClientSpecs(config.env.AUTH_CLIENTS, settings.globalMode, (p) => profileExists(config.paths.profilesDir, p));
  const files = new ClientFiles(config.paths.clientsDir);
  return specs.map((s) => ({
    name: s.name, subject: s.subject, profile: s.profile, mode: s.mode,
    tokenExpiry: usesJwt(s) ? expiryOf(files.read(s.name, '.token')) : '-',
    secret: !usesOAuth(s) ? '-' : !isBcryptHash(files.read(s.name, '.secret_hash')) ? 'missing (issued at next start)' : files.read(s.name, '.secret') !== undefined ? 'one-time secret not yet used' : 'hash only',
  }));
}
