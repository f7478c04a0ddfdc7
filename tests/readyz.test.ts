/**
 * /readyz on the real binary: 200 {status:"ready"} on a good install with a licence, 503 naming
 * the licence without one (and when it is not VALID/GRACE), no authentication needed; /health
 * stays liveness only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpsGet, newInstall, runBin, startServe } from './helpers/install.ts';

test('/readyz is 200 with every check named on a ready install and 503 naming the licence without one; /health stays ok', async () => {
  const install = await newInstall();
  let serve = await startServe(install);
  try {
    const r = await httpsGet(install.port, '/readyz');
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(body.status, 'ready');
    assert.deepEqual(Object.keys(body.checks).sort(), ['audit_log', 'integrity', 'keys', 'license']);
    assert.equal(r.headers['cache-control'], 'no-store');
  } finally {
    assert.equal(await serve.stop(), 0);
  }
  rmSync(join(install.dir, 'secrets', 'license.jwt'));
  serve = await startServe(install);
  try {
    const r = await httpsGet(install.port, '/readyz');
    assert.equal(r.status, 503, r.body);
    const body = JSON.parse(r.body) as { status: string; failing: string[] };
    assert.equal(body.status, 'not_ready');
    assert.ok(body.failing.some((f) => /^license: /.test(f)), r.body);
    assert.equal((await httpsGet(install.port, '/health')).body, 'ok', '/health is liveness only');
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});

test('/metrics gauges certificate expiry, the newest backup (also one made with the CLI) and each client\'s JWT expiry; /status shows that backup', async () => {
  const install = await newInstall(['AUTH_CLIENTS=alice:sub-alice-20261201:admin']);
  let serve = await startServe(install);
  await serve.stop();
  const b = runBin(install, ['backup']);
  assert.equal(b.code, 0, b.out);
  serve = await startServe(install);
  try {
    const text = (await httpsGet(install.port, '/metrics')).body;
    assert.match(text, /^aibridge_tls_certificate_expiry_timestamp_seconds\{source="self-signed"\} \d{10}$/m);
    assert.match(text, /^aibridge_backup_last_success_timestamp_seconds \d{10}$/m);
    assert.match(text, /^aibridge_client_jwt_expiry_remaining_seconds\{client="alice"\} 3(14|15)\d{5}$/m);
    assert.match(text, /^# TYPE aibridge_license_remaining_seconds gauge$/m);
    const token = readFileSync(`${install.dir}/clients/alice/secrets/.token`, 'utf8').trim();
    const status = JSON.parse((await httpsGet(install.port, '/status', { authorization: `Bearer ${token}` })).body) as { backup: { last_backup_file: string | null } };
    assert.match(status.backup.last_backup_file ?? '', /^backup_.*\.tar\.gz\.enc$/);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});
