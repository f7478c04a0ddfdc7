/**
 * @module `<dir>/.env` → frozen, typed Config. Process environment variables are ignored on purpose
 * (Setup page: one file is the single, auditable source of truth).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { ENV_KEYS, SECRET_ENV_KEYS, envDefault, parseEnv } from './env-schema.ts';
import type { EnvConfig } from './env-schema.ts';
import { parseEnvFile } from './parse-env-file.ts';
import { closestKey } from './closest-key.ts';
import { untrustedReason } from '../lib/trusted-file.ts';

export interface ConfigPaths {
  root: string;
  envFile: string;
  secretsDir: string;
  clientsDir: string;
  logsDir: string;
  profilesDir: string;
  backupsDir: string;
  rsaPrivateKey: string;
  rsaPublicKey: string;
}

export interface Config {
  env: EnvConfig;
  paths: ConfigPaths;
  /** Non-fatal findings (unknown keys, loose file mode) to log once logging is up. */
  warnings: string[];
}

/** Resolve a path from .env against the install root. */
export function resolveInstallPath(root: string, value: string): string {
  return isAbsolute(value) ? value : resolve(root, value);
}

function describeValue(key: string, value: unknown): string {
  if (SECRET_ENV_KEYS.has(key)) return '"[REDACTED]"';
  return JSON.stringify(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** True when the key's default is a real value (not empty), so writing `KEY=` can only be a mistake. */
function hasNonEmptyDefault(key: string): boolean {
  const d = envDefault(key);
  if (d === '' || d === undefined || d === null) return false;
  if (Array.isArray(d)) return d.length > 0;
  if (typeof d === 'object') return Object.keys(d as object).length > 0;
  return true;
}

/**
 * Validate key/value pairs (no file access); throws E_CONFIG_INVALID naming the key.
 * Rule (issue #12 item 14): an empty value for a key that has a default is an error, never a
 * silent fallback (an empty MCP_SERVER_HOST= bound all interfaces); delete the line to get the default.
 */
export function validateEnv(values: Record<string, string>, fileName = '.env'): { env: EnvConfig; unknown: string[] } {
  const known: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (ENV_KEYS.includes(k)) known[k] = v; else unknown.push(k);
  }
  for (const [k, v] of Object.entries(known)) {
    if (v.trim() === '' && hasNonEmptyDefault(k)) {
      throw new AppError('E_CONFIG_INVALID', `${fileName}: ${k} is empty`, { hint: `give ${k} a value, or delete the line to use the default` });
    }
  }
  const result = parseEnv(known);
  if (!result.ok) {
    const key = result.key;
    throw new AppError('E_CONFIG_INVALID', `${fileName}: ${key} ${result.message}: got ${describeValue(key, known[key])}`, {
      hint: `edit ${key} in ${fileName} (see .env.example)`,
    });
  }
  return { env: result.env, unknown };
}

/** Throw the error `serve` and state-writing commands give when `<dir>/.env` does not exist. */
export function requireEnvFile(dir: string): void {
  const envFile = join(resolve(dir), '.env');
  if (!existsSync(envFile)) {
    throw new AppError('E_CONFIG_UNREADABLE', `No .env in "${resolve(dir)}": this folder is not an aibridge install`, {
      hint: 'run "aibridge setup" to create one, or pass --dir with the install folder',
    });
  }
}

/** Load and validate `<dir>/.env`. A missing file means all defaults (serve refuses it: requireEnvFile). */
export function loadConfig(dir: string): Config {
  const root = resolve(dir);
  const envFile = join(root, '.env');
  const warnings: string[] = [];
  const values: Record<string, string> = {};
  if (existsSync(envFile)) {
    let text: string;
    try {
      text = readFileSync(envFile, 'utf8');
    } catch (err) {
      throw new AppError('E_CONFIG_UNREADABLE', `Cannot read "${envFile}": ${(err as Error).message}`, { hint: 'check its owner and mode (chmod 600 .env)', cause: err });
    }
    const st = statSync(envFile);
    const untrusted = untrustedReason(st, envFile);
    if (untrusted) throw new AppError('E_CONFIG_UNREADABLE', `Refusing to use ${envFile}: ${untrusted.slice(envFile.length + 1)}`, { hint: 'anyone who can edit .env controls this server; fix the owner or mode, then start again' });
    for (const { key, value } of parseEnvFile(text, envFile)) values[key] = value;
    const mode = st.mode & 0o777;
    if (mode & 0o077) warnings.push(`${envFile} is readable by others (mode ${mode.toString(8)}); run chmod 600 .env`);
  } else {
    warnings.push(`${envFile} not found; using defaults for every key`);
  }
  const { env, unknown } = validateEnv(values, envFile);
  for (const key of unknown) {
    const near = closestKey(key, ENV_KEYS);
    warnings.push(`Unknown key ${key} in .env ignored${near ? `; did you mean ${near}?` : ''}`);
  }
  const secretsDir = resolveInstallPath(root, env.CRYPTO_SECRETS_DIR);
  const paths: ConfigPaths = {
    root,
    envFile,
    secretsDir,
    clientsDir: resolveInstallPath(root, env.CLIENTS_DIR),
    logsDir: resolveInstallPath(root, env.LOGGING_DIR),
    profilesDir: join(root, 'profiles'),
    backupsDir: resolveInstallPath(root, env.BACKUP_DIR),
    rsaPrivateKey: resolveInstallPath(root, env.AUTH_RSA_PRIVATE_KEY_FILE),
    rsaPublicKey: resolveInstallPath(root, env.AUTH_RSA_PUBLIC_KEY_FILE),
  };
  return Object.freeze({ env: Object.freeze(env), paths: Object.freeze(paths), warnings });
}
