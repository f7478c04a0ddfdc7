/**
 * @module The key licences must be signed with: the release public key embedded in the binary, and
 * whether it is a real release key or a development key.
 *
 * Development rule: `npm run build` without a release builder's build/release-key.pem creates a
 * development key and marks it (build/release-key.pem.development); the binary then embeds kind
 * "development". Licences carry the kind in `iss` (aibridge-release / aibridge-development), stamped
 * by issue-license.ts from the same marker, and the verifier accepts only its own kind. So a release
 * binary refuses a development licence twice over: its signature is by another key, and its issuer
 * names the wrong kind (even if it were signed with the release key). A development build says so
 * in `aibridge license show` and on /status (`license.key`).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readAsset } from '../lib/assets.ts';
import { DEVELOPMENT_ISSUER, RELEASE_ISSUER } from './license-claims.ts';

export type KeyKind = 'release' | 'development';

export interface TrustAnchor {
  publicKey: KeyObject;
  kind: KeyKind;
  /** `kid` licences carry: base64url SHA-256 of the SPKI DER, first 16 characters. */
  keyId: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

export function issuerFor(kind: KeyKind): string {
  return kind === 'release' ? RELEASE_ISSUER : DEVELOPMENT_ISSUER;
}

export function trustAnchorOf(publicKey: KeyObject, kind: KeyKind): TrustAnchor {
  return { publicKey, kind, keyId: keyIdOf(publicKey) };
}

/** Parse the embedded kind file ("release" or "development"); anything else is a release (strict). */
export function parseKeyKind(text: string): KeyKind {
  return text.trim() === 'development' ? 'development' : 'release';
}

let embedded: TrustAnchor | undefined;

/** The release key built into this binary (from source: dist/ of the last `npm run build`). */
export function embeddedTrustAnchor(): TrustAnchor {
  embedded ??= trustAnchorOf(createPublicKey(readAsset('release-public.pem')), parseKeyKind(readAsset('release-key-kind').toString('utf8')));
  return embedded;
}
