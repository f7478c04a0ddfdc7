/**
 * @module Start-up step 7: make `clients/` match AUTH_CLIENTS (Setup page, "Client Lifecycle at
 * Startup"). New client → folder + `.uuid` + what its mode needs; JWT renewed only when missing,
 * corrupt, badly signed, expired, revoked or its claims/subject changed (an unchanged valid token
 * stays byte-identical); credentials a mode no longer needs are removed; an unlisted folder is
 * purged. Every change is audited before it is made.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, lstatSync } from 'node:fs';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { ClientSpec } from './client-spec.ts';
import { usesJwt, usesOAuth } from './client-spec.ts';
import type { ClientFiles } from './client-files.ts';
import { jtiOf } from './client-files.ts';
import { generateClientSecret, isBcryptHash } from './client-secret.ts';
import type { TokenKeys } from '../tokens/token-keys.ts';
import { JWT_MODE_TYP, signToken } from '../tokens/sign-token.ts';
import { verifyToken } from '../tokens/verify-token.ts';
import type { ExpiringSetFile } from '../../state/local/expiring-set-file.ts';

export interface SyncOptions {
  specs: readonly ClientSpec[];
  files: ClientFiles;
  keys: TokenKeys;
  issuer: string;
  audience: string;
  tokenLifetimeSeconds: number;
  revoked: ExpiringSetFile;
  audit: AuditLog;
  /** Epoch seconds. */
  now: number;
  /** Called for each purged client so dependent stores (refresh tokens) forget it. */
  onPurge?: (name: string) => void | Promise<void>;
}

export interface SyncReport { created: string[]; issued: string[]; renewed: string[]; purged: string[]; secrets: string[] }

/** Why the client's current token must be replaced, or undefined when it is still good. */
export async function tokenRenewalReason(token: string | undefined, spec: ClientSpec, o: SyncOptions): Promise<string | undefined> {
  if (token === undefined || token === '') return 'missing';
  const r = await verifyToken(token, { publicKey: o.keys.publicKey, keyId: o.keys.keyId, issuer: o.issuer, audiences: [o.audience], now: o.now });
  if (!r.ok) return r.reason === 'malformed' ? 'corrupt' : r.reason;
  const c = r.claims;
  if (c.typ !== JWT_MODE_TYP) return 'claims_changed';
  if (c.sub !== spec.subject) return 'subject_changed';
  if (c.client_id !== spec.name || c.aud.length !== 1 || c.aud[0] !== o.audience || c.scope !== undefined) return 'claims_changed';
  if (c.exp - c.iat > o.tokenLifetimeSeconds) return 'lifetime_shortened';
  if (o.revoked.has(c.jti)) return 'revoked';
  return undefined;
}

async function syncJwt(spec: ClientSpec, o: SyncOptions, report: SyncReport): Promise<void> {
  const current = o.files.read(spec.name, '.token');
  const reason = await tokenRenewalReason(current, spec, o);
  if (reason === undefined) return;
  const t = await signToken({
    privateKey: o.keys.privateKey, keyId: o.keys.keyId, typ: JWT_MODE_TYP, issuer: o.issuer, audience: o.audience,
    subject: spec.subject, clientId: spec.name, lifetimeSeconds: o.tokenLifetimeSeconds, now: o.now,
  });
  const event = reason === 'missing' ? 'token_issued' : 'token_renewed';
  o.audit.append('AUTH', event, { client: spec.name, jti: t.jti, exp: t.exp, reason, ...(current ? { replaced_jti: jtiOf(current) } : {}) });
  o.files.write(spec.name, '.token', t.token);
  (reason === 'missing' ? report.issued : report.renewed).push(spec.name);
}

async function syncSecret(spec: ClientSpec, o: SyncOptions, report: SyncReport): Promise<void> {
  if (isBcryptHash(o.files.read(spec.name, '.secret_hash'))) return;
  const { secret, hash } = await generateClientSecret();
  o.audit.append('AUTH', 'client_secret_issued', { client: spec.name });
  o.files.write(spec.name, '.secret_hash', hash);
  o.files.write(spec.name, '.secret', secret);
  report.secrets.push(spec.name);
}

/** Remove credentials the client's mode does not use (least privilege after a mode change). */
function dropUnused(spec: ClientSpec, o: SyncOptions): void {
  if (!usesJwt(spec)) {
    const token = o.files.read(spec.name, '.token');
    // eslint-disable-next-line security/detect-possible-timing-attacks -- compares with undefined, not with a secret
    if (token !== undefined) {
      const jti = jtiOf(token);
      o.audit.append('AUTH', 'token_revoked', { client: spec.name, jti, reason: 'client no longer in jwt mode' });
      if (jti) o.revoked.set([[jti, o.now + o.tokenLifetimeSeconds]]);
      o.files.remove(spec.name, '.token');
    }
  }
  if (!usesOAuth(spec) && (o.files.read(spec.name, '.secret_hash') !== undefined || o.files.read(spec.name, '.secret') !== undefined)) {
    o.audit.append('AUTH', 'client_secret_removed', { client: spec.name, reason: 'client no longer in oauth2 mode' });
    o.files.remove(spec.name, '.secret');
    o.files.remove(spec.name, '.secret_hash');
  }
}

export async function syncClients(o: SyncOptions): Promise<SyncReport> {
  const report: SyncReport = { created: [], issued: [], renewed: [], purged: [], secrets: [] };
  for (const spec of o.specs) {
    if (o.files.ensureDirs(spec.name)) {
      o.audit.append('AUTH', 'client_created', { client: spec.name, subject: spec.subject, profile: spec.profile, mode: spec.mode });
      report.created.push(spec.name);
    }
    if (!o.files.read(spec.name, '.uuid')) o.files.write(spec.name, '.uuid', randomUUID());
    dropUnused(spec, o);
    if (usesJwt(spec)) await syncJwt(spec, o, report);
    if (usesOAuth(spec)) await syncSecret(spec, o, report);
  }
  const listed = new Set(o.specs.map((s) => s.name));
  if (existsSync(o.files.clientsDir)) {
    for (const entry of readdirSync(o.files.clientsDir)) {
      if (listed.has(entry) || entry.startsWith('.')) continue;
      if (!lstatSync(o.files.dir(entry)).isDirectory()) continue;
      o.audit.append('AUTH', 'client_purged', { client: entry, reason: 'not in AUTH_CLIENTS' });
      o.files.purge(entry);
      await o.onPurge?.(entry);
      report.purged.push(entry);
    }
  }
  return report;
}
