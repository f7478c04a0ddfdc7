/**
 * Deno smoke test: `deno run src/main.ts serve` — the same source files, no bundle — answers
 * /health and one MCP tool call through the MCP SDK client (TOOLCHAIN §4: one code path for
 * Node, the single executable and Deno).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { httpsGet, newInstall } from './helpers/install.ts';

const DENO = resolve('node_modules/@deno/linux-x64-glibc/deno');

test('Deno runs serve from source: /health answers and aibridge_whoami works over MCP', async () => {
  const inst = await newInstall(['AUTH_CLIENTS=alice:sub-alice:auditor']);
  const proc = spawn(DENO, ['run', '-A', resolve('src/main.ts'), 'serve', '--dir', inst.dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: inst.dir, DENO_NO_UPDATE_CHECK: '1' } });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  try {
    let health = '';
    for (let i = 0; i < 480 && health !== 'ok'; i++) {
      if (proc.exitCode !== null) throw new Error(`deno serve exited early (${proc.exitCode}): ${out}`);
      try { health = (await httpsGet(inst.port, '/health')).body; } catch { await new Promise((r) => setTimeout(r, 250)); }
    }
    assert.equal(health, 'ok', `no /health from deno serve: ${out}`);
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(join(inst.dir, 'secrets', 'server.crt'), 'utf8')]);
    const token = readFileSync(join(inst.dir, 'clients', 'alice', 'secrets', '.token'), 'utf8').trim();
    const client = new Client({ name: 'deno-smoke', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`https://localhost:${inst.port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const who = await client.callTool({ name: 'aibridge_whoami', arguments: {} });
    assert.equal((who.structuredContent as { profile?: string }).profile, 'auditor');
    await client.close();
  } finally {
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
});
