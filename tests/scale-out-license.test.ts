/**
 * The licence's `scale-out` feature, end to end with the built binary and a real redis-server:
 * STATE_BACKEND=valkey with a licence that lacks it is refused at start-up with one clear line
 * (before any connection to the store); with it, /readyz reports it; a licence without it
 * installed while serving makes /readyz 503 naming the feature; `aibridge doctor` has the row.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { httpsGet, issueTestLicense, newInstall, runBin, startServe } from './helpers/install.ts';
import type { Install, Running } from './helpers/install.ts';
import { startRedis, type RedisHandle } from '../src/state/testdata/redis-server.ts';

let redis: RedisHandle;
const installs: Install[] = [];
let serve: Running | undefined;
before(async () => { redis = await startRedis(); });
after(async () => {
  await serve?.stop();
  await redis.stop();
  for (const i of installs) rmSync(i.dir, { recursive: true, force: true });
});

async function install(tier: 'essentials' | 'enterprise'): Promise<Install> {
  const i = await newInstall(['AUTH_CLIENTS=alice:sub-alice-20261201:admin', 'STATE_BACKEND=valkey', `VALKEY_URL=${redis.url}`, 'VALKEY_KEY_PREFIX=scaleout-e2e:'], undefined, { license: { tier } });
  installs.push(i);
  return i;
}

test('an essentials licence with STATE_BACKEND=valkey: serve refuses to start, naming the licence and the feature', async () => {
  const i = await install('essentials');
  const r = spawnSync(i.bin, ['serve', '--dir', i.dir], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '' } });
  const out = `${r.stdout}${r.stderr}`;
  assert.notEqual(r.status, 0, out);
  assert.match(out, /STATE_BACKEND=valkey needs the licence feature "scale-out": the essentials licence does not include the scale-out feature/);
  assert.match(out, /aibridge license install|STATE_BACKEND=local/);
  assert.ok(!out.includes(redis.password), 'the store password is not printed');
  const log = readFileSync(join(i.dir, 'logs', 'app.log'), 'utf8');
  assert.match(log, /"event":"startup_failed".*scale-out/);
  assert.doesNotMatch(log, /state_store/, 'refused before connecting to the store');
});

test('an enterprise licence: serve starts, /readyz says scale-out is licensed; an essentials licence installed while serving takes it out', async () => {
  const i = await install('enterprise');
  serve = await startServe(i);
  const ready = await httpsGet(i.port, '/readyz');
  assert.equal(ready.status, 200, ready.body);
  const checks = (JSON.parse(ready.body) as { checks: Record<string, { ok: boolean; detail: string }> }).checks;
  assert.deepEqual(checks.scale_out, { ok: true, detail: 'the licence includes scale-out' });
  assert.equal(checks.state_store?.ok, true);

  const file = join(i.dir, 'essentials.jwt');
  writeFileSync(file, `${await issueTestLicense({ tier: 'essentials' })}\n`);
  const r = runBin(i, ['license', 'install', file]);
  assert.equal(r.code, 0, r.out);
  let body = '';
  for (let n = 0; n < 200; n++) {
    const x = await httpsGet(i.port, '/readyz');
    body = x.body;
    if (x.status === 503) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const failing = (JSON.parse(body) as { failing?: string[] }).failing ?? [];
  assert.ok(failing.some((f) => /^scale_out: STATE_BACKEND=valkey needs the licence feature "scale-out": the essentials licence/.test(f)), body);

  const doc = runBin(i, ['doctor', '--json']);
  assert.equal(doc.code, 1, doc.out);
  const row = (JSON.parse(doc.out) as { checks: Array<{ check: string; status: string; detail: string; fix?: string }> }).checks.find((c) => c.check === 'scale-out');
  assert.equal(row?.status, 'FAIL', doc.out);
  assert.match(row?.detail ?? '', /essentials licence does not include the scale-out feature/);
});
