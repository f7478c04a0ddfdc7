/**
 * The release key of a checkout for the build and vendor scripts: build/release-key.pem, and its
 * kind. A key created by scripts/build.ts is a development key, marked by the file
 * build/release-key.pem.development beside it; a key a release builder provides has no marker and
 * is a release key. The binary embeds the kind (dist/release-key-kind) and accepts only licences of
 * the same kind (src/license/trust-anchor.ts).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyKind } from '../src/license/trust-anchor.ts';

export function releaseKeyPath(root: string): string {
  return join(root, 'build', 'release-key.pem');
}

/** The marker beside a key file that makes it a development key. */
export function developmentKeyMarker(keyPath: string): string {
  return `${keyPath}.development`;
}

export function releaseKeyKind(keyPath: string): KeyKind {
  return existsSync(developmentKeyMarker(keyPath)) ? 'development' : 'release';
}

/** The private and public release key, or a clear error when no build has created one yet. */
export function loadReleaseKey(root: string, path = releaseKeyPath(root)): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!existsSync(path)) throw new Error(`${path} does not exist: run "npm run build" first (it creates a development release key), or give --key`);
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Why a release must not be packaged from these keys, or undefined when it may: the signing key is
 * a development key (its marker is beside it), or the built binary embeds the development kind
 * (dist/release-key-kind), so it would accept development licences in the field.
 */
export function developmentBuildReason(root: string, signingKeyPath: string): string | undefined {
  if (releaseKeyKind(signingKeyPath) === 'development') {
    return `${signingKeyPath} is a development key (${developmentKeyMarker(signingKeyPath)} marks it)`;
  }
  const kindFile = join(root, 'dist', 'release-key-kind');
  if (existsSync(kindFile) && readFileSync(kindFile, 'utf8').trim() === 'development') {
    return `dist/aibridge was built with a development key (dist/release-key-kind says "development"): it would accept development licences`;
  }
  return undefined;
}
