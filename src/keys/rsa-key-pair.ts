/**
 * @module The server RSA key pair (secrets/rsa_private.pem, rsa_public.pem): generated when absent
 * (start-up step 6), verified to match, private half mode 600. Signs JWTs, checkpoints and backups' keys.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import { mkdirSync, chmodSync } from 'node:fs';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { untrustedReason } from '../lib/trusted-file.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface RsaKeyPair { privateKey: KeyObject; publicKey: KeyObject; generated: boolean }

/** Load a PEM private key, with an error that names the file. */
export function loadPrivateKey(path: string): KeyObject {
  let pem: string;
  try {
    const untrusted = untrustedReason(statSync(path), path);
    if (untrusted) throw new AppError('E_KEY_INVALID', `Refusing private key: ${untrusted}`, { hint: 'someone else could replace the server key; fix the owner or mode' });
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('E_KEY_INVALID', `Cannot read private key "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check that it exists and is readable by this user (mode 600)', cause: err });
  }
  try { return createPrivateKey(pem); } catch (err) {
    throw new AppError('E_KEY_INVALID', `"${path}" is not a valid PEM private key`, { hint: 'restore it from a backup or remove it to generate a new one (this invalidates tokens)', cause: err });
  }
}

/** Load a PEM public key, with an error that names the file. */
export function loadPublicKey(path: string): KeyObject {
  let pem: string;
  try { pem = readFileSync(path, 'utf8'); } catch (err) {
    throw new AppError('E_KEY_INVALID', `Cannot read public key "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check that it exists and is readable', cause: err });
  }
  try { return createPublicKey(pem); } catch (err) {
    throw new AppError('E_KEY_INVALID', `"${path}" is not a valid PEM public key`, { hint: 'restore it or delete both key files to generate a new pair', cause: err });
  }
}

/** True when the public key is the public half of the private key. */
export function keysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return Buffer.compare(derived, publicKey.export({ type: 'spki', format: 'der' })) === 0;
}

/** Generate a new RSA key pair and write both halves atomically (private 600, public 644). */
export async function generateRsaKeyPair(privatePath: string, publicPath: string, bits: number): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  await writeFileAtomic(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  await writeFileAtomic(publicPath, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
  return { privateKey, publicKey, generated: true };
}

/** Verify the pair, or generate it when both files are absent. */
export async function ensureRsaKeyPair(privatePath: string, publicPath: string, bits: number): Promise<RsaKeyPair> {
  mkdirSync(dirname(privatePath), { recursive: true, mode: 0o700 });
  const hasPrivate = existsSync(privatePath);
  const hasPublic = existsSync(publicPath);
  if (!hasPrivate && !hasPublic) return generateRsaKeyPair(privatePath, publicPath, bits);
  if (!hasPrivate) throw new AppError('E_KEY_INVALID', `Private key "${privatePath}" is missing but its public key exists`, { hint: 'restore the private key from a backup, or delete the public key to generate a new pair' });
  const privateKey = loadPrivateKey(privatePath);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new AppError('E_KEY_INVALID', `"${privatePath}" is not an RSA key`, { hint: 'use an RSA private key (2048, 3072 or 4096 bits)' });
  if ((statSync(privatePath).mode & 0o077) !== 0) chmodSync(privatePath, 0o600);
  if (!hasPublic) {
    await writeFileAtomic(publicPath, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
    return { privateKey, publicKey: createPublicKey(privateKey), generated: false };
  }
  const publicKey = loadPublicKey(publicPath);
  if (!keysMatch(privateKey, publicKey)) {
    throw new AppError('E_KEY_MISMATCH', `"${privatePath}" does not match "${publicPath}"`, { hint: 'restore the matching pair from a backup; do not start with mismatched keys' });
  }
  return { privateKey, publicKey, generated: false };
}
