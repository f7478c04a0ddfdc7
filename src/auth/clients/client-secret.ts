/**
 * @module OAuth client secrets: 256 random bits, stored as a bcrypt hash (cost 12). Checks are
 * constant-time (bcrypt's own comparison), an unknown client is checked against a dummy hash so
 * it takes as long as a known one, and at most a few checks run at once so a login flood cannot
 * starve the other endpoints of CPU (TESTING.md T-AS-23).
 */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

export const BCRYPT_COST = 12;
/** A cost-12 hash of a random value nobody knows: used when the client does not exist. */
const DUMMY_HASH = '$2b$12$8YFWDP0AwgBG71sopy6Fge3pbsAv.SLPbjr4ustCltzgM9Icssc5a';
const BCRYPT_RE = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const MAX_CONCURRENT = 2;
const MAX_QUEUED = 64;
/** bcrypt reads at most 72 bytes; longer input is refused rather than silently truncated. */
const MAX_SECRET_BYTES = 72;

let running = 0;
const queue: Array<() => void> = [];

/** Thrown when too many secret checks are already waiting (the caller answers 503). */
export class SecretCheckBusyError extends Error {
  constructor() { super('Too many client authentications in progress'); this.name = 'SecretCheckBusyError'; }
}

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (queue.length >= MAX_QUEUED) throw new SecretCheckBusyError();
    await new Promise<void>((resolve) => queue.push(resolve));
  }
  running++;
  try { return await fn(); } finally {
    running--;
    queue.shift()?.();
  }
}

export function isBcryptHash(value: string | undefined): value is string {
  return value !== undefined && BCRYPT_RE.test(value);
}

/** A new secret (43 base64url characters) and its bcrypt hash. */
export async function generateClientSecret(): Promise<{ secret: string; hash: string }> {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: await bcrypt.hash(secret, BCRYPT_COST) };
}

/** True when `secret` matches `hash`; with no hash it still spends the same time and says no. */
export async function checkClientSecret(hash: string | undefined, secret: string): Promise<boolean> {
  const known = isBcryptHash(hash);
  const tooLong = Buffer.byteLength(secret, 'utf8') > MAX_SECRET_BYTES;
  const ok = await limited(() => bcrypt.compare(tooLong ? '' : secret, known ? hash : DUMMY_HASH));
  return known && !tooLong && ok;
}
