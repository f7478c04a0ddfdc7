/**
 * @module Assemble, gate and write the bundle: show_tech_<host>_<YYYYMMDD_HHMMSS>.zip (or a folder
 * with --no-zip) in the output folder, mode 600, written atomically. Known secret values are
 * masked; if the scan still finds a secret the bundle is refused and nothing is written.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Config } from '../../config/load-config.ts';
import { AppError } from '../../lib/errors.ts';
import { writeFileAtomic, writeFileAtomicSync, fsyncDirSync } from '../../lib/atomic-write.ts';
import { fileTimestamp } from '../common/timestamp.ts';
import { safeHostName } from '../common/host-name.ts';
import { collectShowTech } from './collect-show-tech.ts';
import { collectSecrets } from './secret-sources.ts';
import { findSecret } from './secret-scan.ts';

export interface ShowTechOptions { outputDir: string; withLogs: boolean; zip: boolean; now?: Date }

function checkOutputDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new AppError('E_USAGE', `--output "${dir}" is not a folder`, { hint: 'give a folder to write the bundle into' });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export async function writeShowTech(config: Config, options: ShowTechOptions): Promise<string> {
  const secrets = collectSecrets(config);
  const raw = await collectShowTech(config, options.withLogs);
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(raw)) {
    const masked = secrets.mask(text);
    const found = findSecret(masked, secrets);
    if (found) {
      throw new AppError('E_INTEGRITY', `show-tech refused: ${name} would contain ${found}`, { hint: 'nothing was written; run again with --no-logs, or report this to support without the bundle' });
    }
    files[name] = masked;
  }
  checkOutputDir(options.outputDir);
  const base = `show_tech_${safeHostName()}_${fileTimestamp(options.now ?? new Date())}`;
  if (options.zip) {
    const entries: Record<string, Uint8Array> = {};
    for (const [name, text] of Object.entries(files)) entries[`${base}/${name}`] = strToU8(text);
    const path = join(options.outputDir, `${base}.zip`);
    await writeFileAtomic(path, zipSync(entries, { level: 6 }), { mode: 0o600 });
    return path;
  }
  const final = join(options.outputDir, base);
  const tmp = mkdtempSync(join(options.outputDir, `.${base}-`));
  try {
    for (const [name, text] of Object.entries(files)) writeFileAtomicSync(join(tmp, name), text, { mode: 0o600 });
    renameSync(tmp, final);
    fsyncDirSync(options.outputDir);
  } catch (err) { rmSync(tmp, { recursive: true, force: true }); throw err; }
  return final;
}
