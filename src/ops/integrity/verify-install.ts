/**
 * @module Software integrity of an install folder: manifest.json must carry a valid RSA-PSS/SHA-512
 * signature (manifest.sig, base64) by the release key embedded in the binary, then every listed
 * file must match its SHA-512; files in profiles/_default/ that the manifest does not list are
 * reported too. Only a signed manifest is trusted: with a bad signature no file is judged.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { verifyPss } from '../../keys/pss-signature.ts';
import { readAsset } from '../../lib/assets.ts';

export interface IntegrityProblem { file: string; kind: 'missing' | 'altered' | 'unlisted' | 'unsafe'; expected?: string; actual?: string }
export interface IntegrityReport { ok: boolean; signature: 'valid' | 'invalid' | 'missing'; version?: string; checked: number; problems: IntegrityProblem[]; error?: string }

const MANIFEST_SCHEMA = z.object({
  product: z.literal('aibridge'), version: z.string(), algorithm: z.literal('sha512'),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{128}$/)),
}).strict();

const WATCHED_DIRS = ['profiles/_default'];

export function releasePublicKey(): KeyObject {
  return createPublicKey(readAsset('release-public.pem'));
}

async function sha512File(path: string): Promise<string> {
  const h = createHash('sha512');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

function safeRel(rel: string): boolean {
  return !rel.startsWith('/') && !rel.split('/').some((s) => s === '..' || s === '' || s === '.') && !rel.includes('\\');
}

/** Verify `dir`; `binaryFallback` is hashed for "aibridge" when the folder has no copy of it. */
export async function verifyInstall(dir: string, releaseKey: KeyObject = releasePublicKey(), binaryFallback?: string): Promise<IntegrityReport> {
  const mPath = join(dir, 'manifest.json');
  const sPath = join(dir, 'manifest.sig');
  if (!existsSync(mPath) || !existsSync(sPath)) {
    return { ok: false, signature: 'missing', checked: 0, problems: [], error: `${existsSync(mPath) ? 'manifest.sig' : 'manifest.json'} is missing from "${dir}"` };
  }
  const bytes = readFileSync(mPath);
  if (!verifyPss(releaseKey, bytes, Buffer.from(readFileSync(sPath, 'utf8').trim(), 'base64'))) {
    return { ok: false, signature: 'invalid', checked: 0, problems: [], error: 'manifest.sig is not a valid release signature of manifest.json (altered manifest or foreign signer)' };
  }
  let manifest: z.infer<typeof MANIFEST_SCHEMA>;
  try { manifest = MANIFEST_SCHEMA.parse(JSON.parse(bytes.toString('utf8'))); } catch {
    return { ok: false, signature: 'valid', checked: 0, problems: [], error: 'manifest.json is signed but not in the expected format' };
  }
  const problems: IntegrityProblem[] = [];
  let checked = 0;
  for (const [rel, expected] of Object.entries(manifest.files)) {
    if (!safeRel(rel)) { problems.push({ file: rel, kind: 'unsafe', expected }); continue; }
    let path = join(dir, rel);
    if (rel === 'aibridge' && !existsSync(path) && binaryFallback) path = binaryFallback;
    if (!existsSync(path) || !lstatSync(path).isFile()) { problems.push({ file: rel, kind: 'missing', expected }); continue; }
    const actual = await sha512File(path);
    checked++;
    if (actual !== expected) problems.push({ file: rel, kind: 'altered', expected, actual });
  }
  for (const d of WATCHED_DIRS) {
    if (!existsSync(join(dir, d))) continue;
    for (const name of readdirSync(join(dir, d))) {
      const rel = `${d}/${name}`;
      if (!(rel in manifest.files)) problems.push({ file: rel, kind: 'unlisted' });
    }
  }
  return { ok: problems.length === 0, signature: 'valid', version: manifest.version, checked, problems };
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
