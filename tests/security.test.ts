/**
 * End-to-end checks of issue #12 on the built binary: fail-safe start-up (items 14, 15, 16, 18).
 * Each test is named after its item; TESTING.md case IDs where they exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, newInstall, requireBinary, runBin, scratchDir, startServe } from './helpers/install.ts';

test('#12.14 serve refuses a folder without .env, a BOM does not hide MCP_SERVER_HOST, an empty host is an error', async () => {
  requireBinary();
  const empty = scratchDir('aibridge-noenv-');
  const r = spawnSync(BIN, ['serve', '--dir', join(empty, 'typo')], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  assert.notEqual(r.status, 0);
  assert.match(`${r.stdout}${r.stderr}`, /No \.env.*aibridge setup.*--dir/s);
  const inst = await newInstall();
  const env = readFileSync(join(inst.dir, '.env'), 'utf8');
  writeFileSync(join(inst.dir, '.env'), `\uFEFF${env}`);
  const s = await startServe(inst);
  try {
    assert.match(s.output(), /serving https:\/\/127\.0\.0\.1:/, 'the BOM-prefixed MCP_SERVER_HOST=127.0.0.1 applies');
  } finally { await s.stop(); }
  writeFileSync(join(inst.dir, '.env'), env.replace('MCP_SERVER_HOST=127.0.0.1', 'MCP_SERVER_HOST='));
  const bad = runBin(inst, ['serve']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /MCP_SERVER_HOST is empty/);
});

test('#12.15 #12.16 a second serve on the same folder refuses; SIGHUP stops the first cleanly with an audited stop', async () => {
  const inst = await newInstall();
  const s = await startServe(inst);
  const second = runBin(inst, ['serve']);
  assert.notEqual(second.code, 0);
  assert.match(second.out, /Another "aibridge serve" \(pid \d+\) is already running/);
  assert.equal(readFileSync(join(inst.dir, 'aibridge.pid'), 'utf8').trim(), String(s.proc.pid), 'the second serve left the first one\'s pid file alone');
  const code = await s.stop('SIGHUP');
  assert.equal(code, 0);
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"event":"server_stopped","reason":"SIGHUP"/);
  assert.equal(runBin(inst, ['audit', 'verify']).code, 0);
});

test('#12.18 warnings reach stderr (not only app.log), the start-up summary is printed, NO_COLOR is respected', async () => {
  const inst = await newInstall(['MCP_SERVER_TYPO=1']);
  const s = await startServe(inst, { NO_COLOR: '1' });
  let out: string;
  try { out = s.output(); } finally { await s.stop(); }
  assert.match(out, /aibridge WARNING config_warning .*Unknown key MCP_SERVER_TYPO/);
  assert.match(out, /no clients are configured/);
  assert.match(out, / {2}auth {7}jwt, 0 client\(s\)/);
  assert.doesNotMatch(out, /\x1b\[/, 'no ANSI colour codes');
});
