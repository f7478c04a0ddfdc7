/**
 * @module `aibridge clients revoke NAME`: revoke every token of one client and reissue what its
 * mode needs — a new JWT (the old one stops at once: only the current `.token` is accepted), a
 * cut-off for its OAuth access tokens, its refresh-token families, and a new one-time secret.
 * Works while the server runs: the server re-reads each of these files when it changes, and with
 * STATE_BACKEND=valkey the revocations go to the shared store, so every instance refuses at once.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { Config } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import { authSettings, profileExists } from '../build-auth-context.ts';
import { parseClientSpecs, usesJwt, usesOAuth } from './client-spec.ts';
import { ClientFiles, jtiOf } from './client-files.ts';
import { openSharedState } from '../../state/open-shared-state.ts';
import { createNullLogger } from '../../log/logger.ts';
import { CUTOFF_RETENTION_SECONDS } from '../tokens/bearer-verifier.ts';
import { generateClientSecret } from './client-secret.ts';
import { JWT_MODE_TYP, signToken } from '../tokens/sign-token.ts';
import { tokenKeys } from '../tokens/token-keys.ts';

export interface RevokeClientOptions { config: Config; rsa: { privateKey: KeyObject; publicKey: KeyObject }; audit: AuditLog; name: string; now: number }

export interface RevokeClientResult { jwtReissued: boolean; secretReissued: boolean; refreshFamilies: number }

export async function revokeClient(o: RevokeClientOptions): Promise<RevokeClientResult> {
  const { config, audit, now } = o;
  const settings = authSettings(config);
  const specs = parseClientSpecs(config.env.AUTH_CLIENTS, settings.globalMode, (p) => profileExists(config.paths.profilesDir, p));
  const spec = specs.find((s) => s.name === o.name);
  if (!spec) throw new AppError('E_NOT_FOUND', `Client "${o.name}" is not in AUTH_CLIENTS`, { hint: 'run "aibridge clients list" for the configured clients' });
  const files = new ClientFiles(config.paths.clientsDir);
  const state = await openSharedState({ config, logger: createNullLogger(), now: () => now });
  const current = files.read(spec.name, '.token');
  const oldJti = current ? jtiOf(current) : undefined;
  try {
    const access = await state.refresh.revokeClient(spec.name);
    audit.append('AUTH', 'client_revoked', { client: spec.name, jti: oldJti, refresh_access_tokens: access.length, by: 'aibridge clients revoke' });
    await state.cutoffs.add([[spec.name, now + CUTOFF_RETENTION_SECONDS]]);
    await state.revocations.add([...access, ...(oldJti ? [[oldJti, now + settings.jwtLifetimeSeconds] as const] : [])]);
    const result: RevokeClientResult = { jwtReissued: false, secretReissued: false, refreshFamilies: access.length };
    if (usesJwt(spec)) {
      const keys = await tokenKeys(o.rsa.privateKey, o.rsa.publicKey);
      const t = await signToken({ privateKey: keys.privateKey, keyId: keys.keyId, typ: JWT_MODE_TYP, issuer: settings.issuer, audience: settings.audience, subject: spec.subject, clientId: spec.name, lifetimeSeconds: settings.jwtLifetimeSeconds, now });
      audit.append('AUTH', 'token_renewed', { client: spec.name, jti: t.jti, exp: t.exp, reason: 'revoked by operator', replaced_jti: oldJti });
      files.ensureDirs(spec.name);
      files.write(spec.name, '.token', t.token);
      result.jwtReissued = true;
    }
    if (usesOAuth(spec)) {
      const { secret, hash } = await generateClientSecret();
      audit.append('AUTH', 'client_secret_issued', { client: spec.name, reason: 'revoked by operator' });
      files.ensureDirs(spec.name);
      files.write(spec.name, '.secret_hash', hash);
      files.write(spec.name, '.secret', secret);
      result.secretReissued = true;
    }
    return result;
  } finally {
    await state.close();
  }
}
