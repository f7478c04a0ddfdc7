/** @module The server RSA key pair as the token code needs it: keys plus the RFC 7638 `kid`. */
import type { KeyObject } from 'node:crypto';
import { keyIdOf } from './sign-token.ts';

export interface TokenKeys { privateKey: KeyObject; publicKey: KeyObject; keyId: string }

export async function tokenKeys(privateKey: KeyObject, publicKey: KeyObject): Promise<TokenKeys> {
  return { privateKey, publicKey, keyId: await keyIdOf(publicKey) };
}
