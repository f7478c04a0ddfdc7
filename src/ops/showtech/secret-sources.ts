/**
 * @module Where an install keeps secrets, for the support-bundle gate: private keys, salts, tokens,
 * hashes and encrypted credentials under the secrets folder and clients/<name>/secrets/, the
 * license file, the SFTP key, and the values of secret-like .env keys. Public keys, certificates
 * and checkpoints are not secret and are skipped.
 */
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { resolveInstallPath } from '../../config/load-config.ts';
import { isSecretKey } from '../../lib/redact.ts';
import { SECRET_ENV_KEYS } from '../../config/env-schema.ts';
import { parseEnvFile } from '../../config/parse-env-file.ts';
import { SecretIndex } from './secret-scan.ts';

const PUBLIC_NAME = /(public|\.pub$|cert|\.crt$|checkpoint|known_hosts|\.journal$)/i;
const MAX_SECRET_FILE = 1 << 20;

function addFile(index: SecretIndex, path: string): void {
  try {
    const st = lstatSync(path);
    if (st.isFile() && st.size <= MAX_SECRET_FILE) index.add(readFileSync(path, 'latin1'));
  } catch { /* unreadable: nothing to add */ }
}

function addDir(index: SecretIndex, dir: string, depth = 0): void {
  if (!existsSync(dir) || depth > 3) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (PUBLIC_NAME.test(name)) continue;
    if (lstatSync(p).isDirectory()) addDir(index, p, depth + 1); else addFile(index, p);
  }
}

export function collectSecrets(config: Config): SecretIndex {
  const index = new SecretIndex();
  addDir(index, config.paths.secretsDir);
  if (existsSync(config.paths.clientsDir)) {
    for (const c of readdirSync(config.paths.clientsDir)) addDir(index, join(config.paths.clientsDir, c, 'secrets'));
  }
  addFile(index, config.paths.rsaPrivateKey);
  addFile(index, resolveInstallPath(config.paths.root, config.env.BACKUP_SFTP_KEY_FILE));
  if (existsSync(config.paths.envFile)) {
    for (const { key, value } of parseEnvFile(readFileSync(config.paths.envFile, 'utf8'))) {
      if (isSecretKey(key) || SECRET_ENV_KEYS.has(key)) index.add(value);
    }
  }
  return index;
}
