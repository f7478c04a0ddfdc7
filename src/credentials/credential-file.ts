/**
 * @module The encrypted credentials file of one client (clients/<name>/secrets/credentials.enc):
 * AES-256-GCM, fresh 96-bit IV per write, the client name as additional data so a file copied
 * into another client's folder does not decrypt. Plaintext never touches the disk.
 */
import { randomBytes } from 'node:crypto';
import { GCM_IV_BYTES, gcmCipher, gcmDecipher } from '../keys/aes-gcm.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';

export const CREDENTIAL_PURPOSES = ['admin', 'phone'] as const;
export type CredentialPurpose = typeof CREDENTIAL_PURPOSES[number];

const ENTRY = z.object({
  /** Node or cluster name. */
  target: z.string().min(1).max(64),
  purpose: z.enum(CREDENTIAL_PURPOSES),
  user: z.string().min(1).max(128),
  password: z.string().max(1024),
  updatedAt: z.string(),
}).strict();
export type CredentialEntry = z.infer<typeof ENTRY>;

const PLAINTEXT = z.object({ v: z.literal(1), entries: z.array(ENTRY) }).strict();
const ENVELOPE = z.object({
  v: z.literal(1), alg: z.literal('AES-256-GCM'), kdf: z.literal('PBKDF2-SHA512'), iterations: z.number(),
  iv: z.string(), tag: z.string(), data: z.string(),
}).strict();

export function credentialFilePath(secretsDir: string): string {
  return join(secretsDir, 'credentials.enc');
}

/** The client's name as additional data: a file copied into another client's folder does not decrypt. */
function credentialAad(client: string): Buffer {
  return Buffer.from(`aibridge-credentials:${client}`, 'utf8');
}

/** Decrypt the client's entries; a missing file means none. */
export function readCredentialFile(path: string, key: Buffer, client: string): CredentialEntry[] {
  if (!existsSync(path)) return [];
  try {
    const env = ENVELOPE.parse(JSON.parse(readFileSync(path, 'utf8')));
    const d = gcmDecipher(key, Buffer.from(env.iv, 'base64'), credentialAad(client), Buffer.from(env.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(env.data, 'base64')), d.final()]);
    try { return PLAINTEXT.parse(JSON.parse(plain.toString('utf8'))).entries; } finally { plain.fill(0); }
  } catch (err) {
    throw new AppError('E_INTEGRITY', `Cannot decrypt the credentials of client "${client}"`, {
      hint: 'the file was altered, copied from another client, or secrets/credentials.salt changed; set the credentials again', cause: err,
    });
  }
}

/** Encrypt and atomically replace the file (mode 600). */
export function writeCredentialFile(path: string, key: Buffer, content: { client: string; entries: CredentialEntry[] }): void {
  const { client, entries } = content;
  const iv = randomBytes(GCM_IV_BYTES);
  const c = gcmCipher(key, iv, credentialAad(client));
  const plain = Buffer.from(JSON.stringify({ v: 1, entries }), 'utf8');
  const data = Buffer.concat([c.update(plain), c.final()]);
  plain.fill(0);
  const env = { v: 1, alg: 'AES-256-GCM', kdf: 'PBKDF2-SHA512', iterations: 600_000, iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
  writeFileAtomicSync(path, `${JSON.stringify(env)}\n`, { mode: 0o600 });
}
