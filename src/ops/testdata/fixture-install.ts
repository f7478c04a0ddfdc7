/** Test fixture: a scratch install folder with a .env, an RSA pair and some client state. */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../config/load-config.ts';

export function writeKeyPair(dir: string, name = 'rsa', bits = 2048): { priv: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const priv = join(dir, `${name}_private.pem`);
  const pub = join(dir, `${name}_public.pem`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
  return { priv, pub };
}

/** A fresh install with .env (extra lines appended), secrets/rsa_*.pem, clients/alice files. */
export function fixtureInstall(extraEnv: string[] = []): { dir: string; config: () => Config } {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-ops-'));
  writeFileSync(join(dir, '.env'), ['LOGGING_CONSOLE_ENABLED=0', 'AUTH_RSA_KEY_SIZE=2048', ...extraEnv, ''].join('\n'), { mode: 0o600 });
  mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
  writeKeyPair(join(dir, 'secrets'));
  mkdirSync(join(dir, 'clients', 'alice', 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'clients', 'alice', 'secrets', '.token'), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWNhbmFyeQ\n', { mode: 0o600 });
  mkdirSync(join(dir, 'clients', 'alice', 'reports'), { recursive: true });
  writeFileSync(join(dir, 'clients', 'alice', 'reports', 'r1.md'), 'report one\n');
  chmodSync(join(dir, 'clients', 'alice', 'reports', 'r1.md'), 0o640);
  mkdirSync(join(dir, 'logs'), { mode: 0o700 });
  writeFileSync(join(dir, 'logs', 'app.log'), '{"level":"info","event":"x"}\n', { mode: 0o600 });
  return { dir, config: () => loadConfig(dir) };
}
