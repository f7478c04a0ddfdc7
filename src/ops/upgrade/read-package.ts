/**
 * @module Open an upgrade package: extract it safely (same rules as restores) into a private
 * staging folder, verify upgrade.sig with the release key embedded in this binary, and check that
 * the payload is exactly the listed files with their SHA-512. Nothing in the package is trusted
 * before that.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { verifyPss } from '../../keys/pss-signature.ts';
import { extractTarGz } from '../restore/safe-extract.ts';
import { releasePublicKey } from '../integrity/verify-install.ts';
import { PACKAGE_MANIFEST, PACKAGE_SIGNATURE, PAYLOAD_DIR, UPGRADE_MANIFEST_SCHEMA, type UpgradeManifest } from './package-manifest.ts';

export interface OpenedPackage { manifest: UpgradeManifest; payloadDir: string }

function refuse(why: string, hint = 'get the package again from the publisher and check its SHA-512 (DNS TXT record)'): AppError {
  return new AppError('E_UPGRADE', `Upgrade package refused: ${why}`, { hint });
}

async function sha512File(path: string): Promise<string> {
  const h = createHash('sha512');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

function listFiles(dir: string, base = dir, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (lstatSync(p).isDirectory()) listFiles(p, base, out); else out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

/** Extract `file` into `staging` (an empty private folder) and verify it. */
export async function openUpgradePackage(file: string, staging: string, releaseKey: KeyObject = releasePublicKey()): Promise<OpenedPackage> {
  try { await extractTarGz(file, staging); } catch (err) { throw refuse(`it is not a valid package archive: ${(err as Error).message}`); }
  const mPath = join(staging, PACKAGE_MANIFEST);
  const sPath = join(staging, PACKAGE_SIGNATURE);
  if (!existsSync(mPath) || !existsSync(sPath)) throw refuse(`${PACKAGE_MANIFEST} or ${PACKAGE_SIGNATURE} is missing`);
  const bytes = readFileSync(mPath);
  if (!verifyPss(releaseKey, bytes, Buffer.from(readFileSync(sPath, 'utf8').trim(), 'base64'))) {
    throw refuse('its signature does not verify with the release key built into this aibridge (altered package, or signed by another key)');
  }
  let manifest: UpgradeManifest;
  try { manifest = UPGRADE_MANIFEST_SCHEMA.parse(JSON.parse(bytes.toString('utf8'))); } catch (err) { throw refuse(`${PACKAGE_MANIFEST} is signed but malformed: ${(err as Error).message.slice(0, 200)}`); }
  const payloadDir = join(staging, PAYLOAD_DIR);
  const present = existsSync(payloadDir) ? listFiles(payloadDir).sort() : [];
  const listed = Object.keys(manifest.files).sort();
  const extra = present.filter((p) => !listed.includes(p));
  const missing = listed.filter((p) => !present.includes(p));
  if (extra.length || missing.length) throw refuse(`payload does not match ${PACKAGE_MANIFEST}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unlisted ${extra.join(', ')}` : ''}`);
  for (const rel of listed) {
    if ((await sha512File(join(payloadDir, rel))) !== manifest.files[rel]) throw refuse(`${rel} does not match its SHA-512 in ${PACKAGE_MANIFEST}`);
  }
  return { manifest, payloadDir };
}
