/**
 * @module Per-client credential key: PBKDF2-SHA512, 600,000 iterations (NIST SP 800-132), from the
 * client's UUID and the server-wide salt in secrets/credentials.salt (created once, mode 600).
 */
import { pbkdf2, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';

export const PBKDF2_ITERATIONS = 600_000;
export const SALT_FILE = 'credentials.salt';
const SALT_BYTES = 32;
const pbkdf2Async = promisify(pbkdf2);

/** Client names are directory names: letters, digits and hyphens only (no path tricks). */
export const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** The server salt, created on first use. */
export function ensureServerSalt(secretsDir: string): Buffer {
  const path = join(secretsDir, SALT_FILE);
  if (!existsSync(path)) writeFileAtomicSync(path, randomBytes(SALT_BYTES).toString('base64') + '\n', { mode: 0o600 });
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new AppError('E_KEY_INVALID', `"${path}" is readable by group or others`, { hint: `run chmod 600 ${path}` });
  }
  const salt = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (salt.length !== SALT_BYTES) throw new AppError('E_KEY_INVALID', `"${path}" does not hold a ${SALT_BYTES}-byte base64 salt`, { hint: 'restore it from backup; without it stored Cisco credentials cannot be decrypted' });
  return salt;
}

/** Path of a client's secrets folder (the name is checked first). */
export function clientSecretsDir(clientsDir: string, client: string): string {
  if (!CLIENT_NAME.test(client)) throw new AppError('E_INPUT_INVALID', `Invalid client name "${client.slice(0, 64)}"`, { hint: 'client names use letters, digits and hyphens (as in AUTH_CLIENTS)' });
  return join(clientsDir, client, 'secrets');
}

/** The client's UUID from clients/<name>/secrets/.uuid. */
export function readClientUuid(clientsDir: string, client: string): string {
  const path = join(clientSecretsDir(clientsDir, client), '.uuid');
  if (!existsSync(path)) {
    throw new AppError('E_NOT_FOUND', `Unknown client "${client}": ${path} does not exist`, {
      hint: 'add the client to AUTH_CLIENTS in .env and start aibridge serve once to create it',
    });
  }
  const uuid = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f-]{32,36}$/i.test(uuid)) throw new AppError('E_KEY_INVALID', `"${path}" does not hold a UUID`, { hint: 'restore the client folder from backup' });
  return uuid;
}

/** Derive the 32-byte AES key of one client (~0.2 s; callers cache it). */
export async function deriveClientKey(uuid: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(uuid, 'utf8'), salt, PBKDF2_ITERATIONS, 32, 'sha512');
}
