/**
 * The start-up composition in process: steps 1–11 in order, /status and /metrics read the typed
 * handles (a Fail2Ban block shows at once), step 9 logs what the licence really loaded, shutdown
 * closes everything and the audit log ends with server_stopped; a failing step closes what the
 * earlier steps opened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './start-server.ts';
import { freePort } from '../lib/testdata/free-port.ts';


function get(port: number, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false, headers: { host: `localhost:${port}`, ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => { body += d; });
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

async function install(extra: string[]): Promise<{ dir: string; port: number }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-start-'));
  writeFileSync(join(dir, '.env'), [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`, 'AUTH_RSA_KEY_SIZE=2048',
    'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*', `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${port}`,
    'LOGGING_CONSOLE_ENABLED=0', 'AUTH_FAIL_LIMIT=2', ...extra,
  ].join('\n') + '\n', { mode: 0o600 });
  return { dir, port };
}

const lines = (file: string): Array<Record<string, unknown>> => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('steps 1–11 in order; /status and /metrics read the live handles; shutdown closes everything, the audit log last', async (t) => {
  const { dir, port } = await install(['AUTH_CLIENTS=aud:sub-aud-1:auditor']);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const started = await startServer(dir);
  let stopped = false;
  t.after(async () => { if (!stopped) await started.stop('test'); });
  const steps = lines(join(dir, 'logs', 'app.log')).filter((l) => l.event === 'startup_step');
  assert.deepEqual(steps.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  // No licence installed: INVALID, so no product's tools are loaded, and step 9 says so.
  assert.deepEqual({ products: steps[8]?.products, license: steps[8]?.license }, { products: [], license: 'INVALID' });
  assert.ok(existsSync(join(dir, 'aibridge.pid')));

  const token = readFileSync(join(dir, 'clients', 'aud', 'secrets', '.token'), 'utf8').trim();
  const status = async (): Promise<Record<string, unknown>> => JSON.parse((await get(port, '/status', token)).body) as Record<string, unknown>;
  const s = await status();
  assert.equal(s.blacklisted_ips, 0);
  assert.deepEqual(s.modules, []);
  assert.deepEqual(s.state, { backend: 'local', instance: started.handles.state.instance });
  assert.equal((s.license as { state: string }).state, 'INVALID');
  assert.deepEqual(Object.keys(s.watchdogs as object), ['integrity', 'backup']);
  assert.ok((s.profiles as { loaded: string[] }).loaded.includes('auditor'));
  assert.deepEqual(s.auth, { mode: 'jwt', clients: 1 });

  // Two violations from one address block it (AUTH_FAIL_LIMIT=2): /status and the gauge count it at once.
  started.handles.auth.countViolation('192.0.2.7');
  started.handles.auth.countViolation('192.0.2.7');
  for (let i = 0; i < 100 && started.handles.auth.blockedCount() === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await status()).blacklisted_ips, 1);
  const metrics = (await get(port, '/metrics')).body;
  assert.match(metrics, /^aibridge_fail2ban_blocked_ips 1$/m);
  assert.match(metrics, /^aibridge_watchdog_state\{watchdog="backup",state="disabled"\} 1$/m);
  assert.equal((await get(port, '/readyz')).status, 503, 'not ready without a licence');

  const stop = started.stop('test');
  assert.equal(started.stop('again'), stop, 'a second stop waits for the first');
  await stop;
  stopped = true;
  const log = lines(join(dir, 'logs', 'app.log'));
  assert.equal(log.filter((l) => l.event === 'shutdown_hook_failed').length, 0, JSON.stringify(log.filter((l) => l.event === 'shutdown_hook_failed')));
  assert.equal(log.at(-1)?.event, 'shutdown_done');
  assert.equal(lines(join(dir, 'logs', 'audit.log')).at(-1)?.event, 'server_stopped');
  assert.equal(existsSync(join(dir, 'aibridge.pid')), false);
  await assert.rejects(get(port, '/health'), 'the listener is closed');
});

test('a failing step stops start-up, logs it and closes what earlier steps opened', async (t) => {
  const { dir } = await install(['AUTH_CLIENTS=aud:sub-aud-1:no-such-profile']);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(startServer(dir), (e: { code?: string }) => e.code === 'E_CONFIG_INVALID');
  const log = lines(join(dir, 'logs', 'app.log'));
  assert.deepEqual(log.filter((l) => l.event === 'startup_step').map((l) => l.step), [1, 2, 3, 4, 5, 6]);
  assert.ok(log.some((l) => l.event === 'startup_failed'));
  assert.equal(log.filter((l) => l.event === 'shutdown_hook_failed').length, 0);
  assert.ok(lines(join(dir, 'logs', 'audit.log')).some((l) => l.event === 'clients_config_invalid'));
  assert.equal(existsSync(join(dir, 'aibridge.pid')), false);
});
