import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.ts';
import { parseEnvFile } from './parse-env-file.ts';
import { AppError } from '../lib/errors.ts';
import { closestKey } from './closest-key.ts';
import { ENV_KEYS } from './env-schema.ts';

function install(env: string, mode = 0o600): string {
  const d = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(d, '.env'), env);
  chmodSync(join(d, '.env'), mode);
  return d;
}

function configError(env: string): AppError {
  try { loadConfig(install(env)); } catch (e) { if (e instanceof AppError) return e; throw e; }
  throw new Error('expected a config error');
}

test('loadConfig() applies defaults and types', () => {
  const c = loadConfig(install('MCP_SERVER_PORT=9443\nLOGGING_CONSOLE_ENABLED=0\n'));
  assert.equal(c.env.MCP_SERVER_PORT, 9443);
  assert.equal(c.env.AUTH_MODE, 'jwt');
  assert.equal(c.env.AUTH_RSA_KEY_SIZE, 4096);
  assert.equal(c.env.LOGGING_CONSOLE_ENABLED, false);
  assert.deepEqual(c.env.MCP_SERVER_SECURITY_ALLOWED_HOSTS, ['localhost:*', '127.0.0.1:*', 'mcp.domain.com:*']);
  assert.ok(Object.isFrozen(c.env));
});

test('loadConfig() ignores process environment variables', () => {
  process.env.MCP_SERVER_PORT = '1234';
  try { assert.equal(loadConfig(install('')).env.MCP_SERVER_PORT, 8443); } finally { delete process.env.MCP_SERVER_PORT; }
});

test('loadConfig() names the key, the value and what is allowed (E_CONFIG_INVALID)', () => {
  const port = configError('MCP_SERVER_PORT=abc\n');
  assert.equal(port.code, 'E_CONFIG_INVALID');
  assert.match(port.message, /MCP_SERVER_PORT must be a whole number from 1 to 65535: got "abc"/);
  assert.match(configError('AUTH_MODE=kerberos').message, /AUTH_MODE must be one of jwt \/ oauth2 \/ jwt\+oauth2: got "kerberos"/);
  assert.match(configError('MCP_SERVER_PORT=70000').message, /from 1 to 65535/);
  assert.match(configError('AUTH_RSA_KEY_SIZE=1024').message, /2048 \/ 3072 \/ 4096/);
  assert.match(configError('LOGGING_CONSOLE_ENABLED=maybe').message, /0 or 1/);
  assert.match(configError('AUTH_ISSUER=http://x').message, /https:\/\//);
});

test('loadConfig() never echoes a secret value', () => {
  // BACKUP_SFTP_PASSWORD_ENC accepts any string; force an error on a secret by a malformed line instead
  const e = configError('BACKUP_SFTP_PASSWORD_ENC=abc\nthis line is broken\n');
  assert.match(e.message, /line 2 is not KEY=VALUE/);
  assert.ok(!e.message.includes('abc'));
});

test('parseEnvFile() handles quotes, comments, export and multi-line values; refuses garbage', () => {
  const entries = parseEnvFile('# c\nexport A=1\nB="x # y"\nC=\'q\'\nD="l1\nl2"\nE=v # comment\nF=PASS=#78F5AE,N/A=#BACCCC\nG=  x  \n');
  assert.deepEqual(Object.fromEntries(entries.map((e) => [e.key, e.value])), { A: '1', B: 'x # y', C: 'q', D: 'l1\nl2', E: 'v', F: 'PASS=#78F5AE,N/A=#BACCCC', G: 'x' });
  assert.throws(() => parseEnvFile('=nokey\n'), /line 1/);
  assert.throws(() => parseEnvFile('A="unterminated\n'), /unterminated/);
});

test('loadConfig() warns on unknown keys with a suggestion and on a world-readable .env', () => {
  const c = loadConfig(install('MCP_SERVER_PROT=1\n', 0o644));
  assert.ok(c.warnings.some((w) => /Unknown key MCP_SERVER_PROT.*did you mean MCP_SERVER_PORT\?/.test(w)));
  assert.ok(c.warnings.some((w) => /readable by others/.test(w)));
  assert.equal(closestKey('ZZZZZZZZZZZZZZ', ENV_KEYS), undefined);
});
