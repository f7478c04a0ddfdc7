/**
 * @module Software integrity of an install folder: manifest.json must carry a valid RSA-PSS/SHA-512
 * signature (manifest.sig, base64) by the release key embedded in the binary, then every listed
 * file must match its SHA-512; files in profiles/_default/ that the manifest does not list are
 * reported too. Only a signed manifest is trusted: with a bad signature no file is judged.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { verifyPss } from '../../keys/pss-signature.ts';
import { readAsset } from '../../lib/assets.ts';
import { isSettled, sameIdentity, statIdentity, type IdentityRecord } from './verified-identity.ts';

export interface IntegrityProblem { file: string; kind: 'missing' | 'altered' | 'unlisted' | 'unsafe'; expected?: string; actual?: string }
export interface IntegrityReport {
  ok: boolean; signature: 'valid' | 'invalid' | 'missing'; version?: string;
  /** Files found as the manifest says: `hashed` of them read and hashed, the rest accepted by an unchanged verified identity. */
  checked: number; hashed: number; problems: IntegrityProblem[]; error?: string;
  /** The files whose SHA-512 was computed and matched, with their identity: what a verified-identity record may hold. */
  verified: IdentityRecord;
}

export interface VerifyOptions {
  /** Hashed for "aibridge" when the folder has no copy of it (the running binary). */
  binaryFallback?: string;
  /** A verified-identity record: a file whose identity and expected SHA-512 match an entry is not read again. */
  known?: IdentityRecord;
  /** Stops the check between two reads (server shutdown): it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The clock (ms since the epoch) that says whether a file changed too recently to be recorded; default Date.now. */
  now?: () => number;
  /** How a file is hashed (default: here, in 4 MiB reads); the server's background checks use a worker thread (hash-worker.ts). */
  hashFile?: (path: string, signal?: AbortSignal) => Promise<string>;
}

const MANIFEST_SCHEMA = z.object({
  product: z.literal('aibridge'), version: z.string(), algorithm: z.literal('sha512'),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{128}$/)),
}).strict();

const WATCHED_DIRS = ['profiles/_default'];

export function releasePublicKey(): KeyObject {
  return createPublicKey(readAsset('release-public.pem'));
}

/** Large reads into one reused buffer: the 157 MB binary costs no allocation per chunk. */
const READ_BLOCK = 4 << 20;

async function sha512File(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha512');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BLOCK);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, READ_BLOCK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally { await fh.close(); }
  return h.digest('hex');
}

function safeRel(rel: string): boolean {
  return !rel.startsWith('/') && !rel.split('/').some((s) => s === '..' || s === '' || s === '.') && !rel.includes('\\');
}

/** Verify `dir` against its signed manifest. */
export async function verifyInstall(dir: string, releaseKey: KeyObject = releasePublicKey(), options: VerifyOptions = {}): Promise<IntegrityReport> {
  const none = { checked: 0, hashed: 0, problems: [], verified: {} };
  const mPath = join(dir, 'manifest.json');
  const sPath = join(dir, 'manifest.sig');
  if (!existsSync(mPath) || !existsSync(sPath)) {
    return { ok: false, signature: 'missing', ...none, error: `${existsSync(mPath) ? 'manifest.sig' : 'manifest.json'} is missing from "${dir}"` };
  }
  const bytes = readFileSync(mPath);
  if (!verifyPss(releaseKey, bytes, Buffer.from(readFileSync(sPath, 'utf8').trim(), 'base64'))) {
    return { ok: false, signature: 'invalid', ...none, error: 'manifest.sig is not a valid release signature of manifest.json (altered manifest or foreign signer)' };
  }
  let manifest: z.infer<typeof MANIFEST_SCHEMA>;
  try { manifest = MANIFEST_SCHEMA.parse(JSON.parse(bytes.toString('utf8'))); } catch {
    return { ok: false, signature: 'valid', ...none, error: 'manifest.json is signed but not in the expected format' };
  }
  const problems: IntegrityProblem[] = [];
  const verified: IdentityRecord = {};
  let checked = 0;
  let hashed = 0;
  for (const [rel, expected] of Object.entries(manifest.files)) {
    if (!safeRel(rel)) { problems.push({ file: rel, kind: 'unsafe', expected }); continue; }
    let path = join(dir, rel);
    if (rel === 'aibridge' && !existsSync(path) && options.binaryFallback) path = options.binaryFallback;
    const before = statIdentity(path);
    if (!before) { problems.push({ file: rel, kind: 'missing', expected }); continue; }
    checked++;
    const known = options.known?.[path];
    if (known && known.sha512 === expected && sameIdentity(known, before)) continue;
    const startedNs = BigInt((options.now ?? Date.now)()) * 1_000_000n;
    const actual = await (options.hashFile ?? sha512File)(path, options.signal);
    hashed++;
    if (actual !== expected) { problems.push({ file: rel, kind: 'altered', expected, actual }); continue; }
    // Recorded only if nothing touched the file while it was read, nor just before.
    const after = statIdentity(path);
    if (after && sameIdentity(before, after) && isSettled(before, startedNs)) verified[path] = { ...before, sha512: actual };
  }
  for (const d of WATCHED_DIRS) {
    if (!existsSync(join(dir, d))) continue;
    for (const name of readdirSync(join(dir, d))) {
      const rel = `${d}/${name}`;
      if (!(rel in manifest.files)) problems.push({ file: rel, kind: 'unlisted' });
    }
  }
  return { ok: problems.length === 0, signature: 'valid', version: manifest.version, checked, hashed, problems, verified };
}

/** One line per problem, naming the file and the expected vs actual SHA-512. */
export function describeProblems(r: IntegrityReport): string[] {
  if (r.error) return [r.error];
  return r.problems.map((p) => {
    if (p.kind === 'altered') return `altered: ${p.file}: expected sha512 ${p.expected}, actual ${p.actual}`;
    if (p.kind === 'missing') return `missing: ${p.file}: expected sha512 ${p.expected}`;
    if (p.kind === 'unlisted') return `unlisted: ${p.file}: not in the signed manifest`;
    return `unsafe path in manifest: ${p.file}`;
  });
}
