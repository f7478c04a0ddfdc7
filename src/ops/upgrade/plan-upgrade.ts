/**
 * @module What an upgrade would do (the --dry-run report): each payload file replaced, created or
 * unchanged, the .env merge, the version step, the changelog and the post-upgrade actions.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAssetText } from '../../lib/assets.ts';
import { mergeEnv, type EnvMerge } from './merge-env.ts';
import type { OpenedPackage } from './read-package.ts';

export interface FileAction { path: string; action: 'replaced' | 'created' | 'unchanged' }
export interface UpgradePlan { from: string; to: string; files: FileAction[]; env: EnvMerge; envChanged: boolean; changelog: string[]; postUpgrade: string[] }

async function sha512File(path: string): Promise<string> {
  const h = createHash('sha512');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

export async function planUpgrade(root: string, pkg: OpenedPackage, currentVersion: string): Promise<UpgradePlan> {
  const files: FileAction[] = [];
  for (const [rel, hash] of Object.entries(pkg.manifest.files)) {
    const target = join(root, rel);
    if (!existsSync(target)) files.push({ path: rel, action: 'created' });
    else files.push({ path: rel, action: (await sha512File(target)) === hash ? 'unchanged' : 'replaced' });
  }
  const installedExample = join(root, '.env.example');
  const oldExample = existsSync(installedExample) ? readFileSync(installedExample, 'utf8') : readAssetText('env.example');
  const newExamplePath = join(pkg.payloadDir, '.env.example');
  const newExample = existsSync(newExamplePath) ? readFileSync(newExamplePath, 'utf8') : oldExample;
  const envPath = join(root, '.env');
  const envText = existsSync(envPath) ? readFileSync(envPath, 'utf8') : '';
  const env = mergeEnv(envText, oldExample, newExample, pkg.manifest.version);
  return { from: currentVersion, to: pkg.manifest.version, files, env, envChanged: env.text !== envText, changelog: pkg.manifest.changelog, postUpgrade: pkg.manifest.post_upgrade };
}

/** The report printed by --dry-run (and before applying). */
export function describePlan(p: UpgradePlan): string[] {
  return [
    `upgrade: ${p.from} -> ${p.to}`,
    ...(p.changelog.length ? ['changelog:', ...p.changelog.map((c) => `  - ${c}`)] : ['changelog: (none given)']),
    'files:',
    ...p.files.map((f) => `  ${f.action.padEnd(9)} ${f.path}`),
    '.env:',
    ...(p.env.added.length ? p.env.added.map((k) => `  added     ${k} (# ADDED by upgrade v${p.to})`) : ['  no new keys']),
    ...p.env.updated.map((k) => `  updated   ${k} (always updated)`),
    `  preserved ${p.env.preserved} customer key(s), unchanged`,
    'after the upgrade:',
    ...p.postUpgrade.map((s) => `  - ${s}`),
  ];
}
