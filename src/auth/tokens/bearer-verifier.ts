/**
 * @module Bearer token → Principal: the signature and claim checks of verify-token.ts, then the
 * state checks — jti not revoked, client still listed with the same subject and a mode that
 * allows this kind of token, and for JWT mode the client's current `.token` (a renewed token
 * replaces the old one at once). The signature and claim checks are memoised per token until it
 * expires (verified-token-cache.ts); the state checks run on every call.
 */
import type { Principal } from '../principal.ts';
import type { ClientSpec } from '../clients/client-spec.ts';
import { usesJwt, usesOAuth } from '../clients/client-spec.ts';
import type { ClientFiles } from '../clients/client-files.ts';
import type { ExpiringSetState } from '../../state/shared-state.ts';
import type { TokenKeys } from './token-keys.ts';
import { ACCESS_TOKEN_TYP } from './sign-token.ts';
import { verifyToken } from './verify-token.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';
import type { TokenClaims, TokenFailure } from './verify-token.ts';

export interface BearerVerifierOptions {
  keys: TokenKeys;
  issuer: string;
  /** AUTH_AUDIENCE and the MCP resource URL (RFC 8707 / RFC 9728 `resource`). */
  audiences: readonly string[];
  clients: ReadonlyMap<string, ClientSpec>;
  files: ClientFiles;
  revoked: ExpiringSetState;
  /** `aibridge clients revoke`: OAuth access tokens issued up to a per-client cut-off are refused. */
  cutoffs: ExpiringSetState;
  /** Epoch seconds. */
  now: () => number;
}

export type BearerResult =
  | { ok: true; principal: Principal; claims: TokenClaims }
  | { ok: false; reason: TokenFailure; jti?: string; clientId?: string };

/**
 * Longest possible OAuth access-token lifetime (AUTH_OAUTH_TOKEN_EXPIRY_SECONDS ≤ 86400): a client
 * cut-off is stored as an expiring entry `cutoff + this`, i.e. kept exactly as long as a token
 * issued before it could still be valid.
 */
export const CUTOFF_RETENTION_SECONDS = 86_400;

/** The client's revocation cut-off (epoch seconds), if one is in force. */
export async function clientCutoff(cutoffs: ExpiringSetState, client: string): Promise<number | undefined> {
  const until = await cutoffs.get(client);
  return until === undefined ? undefined : until - CUTOFF_RETENTION_SECONDS;
}

export class BearerVerifier {
  #o: BearerVerifierOptions;
  /** Signature + claim checks already passed, by token digest (bound to this verifier's key, issuer, audiences). */
  readonly verified = new VerifiedTokenCache();

  constructor(options: BearerVerifierOptions) {
    this.#o = options;
  }

  async verify(token: string): Promise<BearerResult> {
    const o = this.#o;
    const now = o.now();
    const r = await this.verified.verify(token, now, () => verifyToken(token, { publicKey: o.keys.publicKey, keyId: o.keys.keyId, issuer: o.issuer, audiences: o.audiences, now }));
    if (!r.ok) return r;
    const c = r.claims;
    const fail = (reason: TokenFailure): BearerResult => ({ ok: false, reason, jti: c.jti, clientId: c.client_id });
    if (await o.revoked.get(c.jti) !== undefined) return fail('revoked');
    const spec = o.clients.get(c.client_id);
    if (!spec) return fail('unknown_client');
    if (spec.subject !== c.sub) return fail('subject_changed');
    const isAccessToken = c.typ === ACCESS_TOKEN_TYP;
    if (isAccessToken ? !usesOAuth(spec) : !usesJwt(spec)) return fail('mode_not_allowed');
    if (!isAccessToken && o.files.currentTokenJti(spec.name) !== c.jti) return fail('superseded');
    const cutoff = await clientCutoff(o.cutoffs, spec.name);
    if (isAccessToken && cutoff !== undefined && c.iat <= cutoff) return fail('revoked');
    return {
      ok: true,
      claims: c,
      principal: {
        clientName: spec.name, subject: spec.subject, profile: spec.profile, authMethod: isAccessToken ? 'oauth2' : 'jwt',
        tokenId: c.jti, expiresAt: c.exp,
      },
    };
  }
}
