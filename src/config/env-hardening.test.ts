/** Issue #12 item 14: a BOM, an empty value or a missing .env never silently change where the server listens. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { loadConfig, requireEnvFile } from './load-config.ts';

function dirWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'env-h-'));
  writeFileSync(join(dir, '.env'), text, { mode: 0o600 });
  return dir;
}

test('#12.14 a UTF-8 BOM before the first key is stripped: MCP_SERVER_HOST still applies', () => {
  for (const eol of ['\n', '\r\n']) {
    const c = loadConfig(dirWith(`\uFEFFMCP_SERVER_HOST=127.0.0.1${eol}MCP_SERVER_PORT=9443${eol}`));
    assert.equal(c.env.MCP_SERVER_HOST, '127.0.0.1');
    assert.equal(c.env.MCP_SERVER_PORT, 9443);
    assert.deepEqual(c.warnings.filter((w) => /Unknown key/.test(w)), []);
  }
});

test('#12.14 an empty value for a key that has a default is an error naming the key', () => {
  for (const line of ['MCP_SERVER_HOST=', 'MCP_SERVER_HOST=""', "MCP_SERVER_HOST=''", 'MCP_SERVER_HOST=   ', 'MCP_SERVER_PORT=', 'LOGGING_CONSOLE_ENABLED=', 'LOGGING_DIR=']) {
    assert.throws(() => loadConfig(dirWith(`${line}\n`)), (e: unknown) => e instanceof AppError && e.code === 'E_CONFIG_INVALID' && e.message.includes(line.split('=')[0] as string) && /empty/.test(e.message), line);
  }
  // Keys whose default is empty may stay empty.
  assert.equal(loadConfig(dirWith('AUTH_CLIENTS=\nCISCO_NODES=\n')).env.AUTH_CLIENTS, '');
});

test('#12.14 serve refuses a folder without .env (mistyped --dir) instead of starting on defaults', () => {
  const empty = mkdtempSync(join(tmpdir(), 'env-none-'));
  assert.throws(() => requireEnvFile(empty), (e: unknown) => e instanceof AppError && /aibridge setup/.test(e.hint ?? '') && /--dir/.test(e.hint ?? ''));
  assert.throws(() => requireEnvFile(join(empty, 'typo')), /No \.env/);
  assert.doesNotThrow(() => requireEnvFile(dirWith('MCP_SERVER_PORT=9443\n')));
});
