/**
 * @module `<dir>/.env` → frozen, typed Config. Process environment variables are ignored on purpose
 * (Setup page: one file is the single, auditable source of truth).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { ENV_KEYS, ENV_SCHEMA, SECRET_ENV_KEYS } from './env-schema.ts';
import type { EnvConfig } from './env-schema.ts';
import { parseEnvFile } from './parse-env-file.ts';
import { closestKey } from './closest-key.ts';

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

/** Validate key/value pairs (no file access); throws E_CONFIG_INVALID naming the key. */
export function validateEnv(values: Record<string, string>, fileName = '.env'): { env: EnvConfig; unknown: string[] } {
  const known: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (ENV_KEYS.includes(k)) known[k] = v; else unknown.push(k);
  }
  const result = ENV_SCHEMA.safeParse(known);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? '?');
    throw new AppError('E_CONFIG_INVALID', `${fileName}: ${key} ${issue?.message ?? 'is invalid'}: got ${describeValue(key, known[key])}`, {
      hint: `edit ${key} in ${fileName} (see .env.example)`,
    });
  }
  return { env: result.data, unknown };
}

/** Load and validate `<dir>/.env`. A missing file means all defaults. */
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
    for (const { key, value } of parseEnvFile(text, envFile)) values[key] = value;
    const mode = statSync(envFile).mode & 0o777;
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
