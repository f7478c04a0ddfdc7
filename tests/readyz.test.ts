/**
 * /readyz on the real binary: 200 {status:"ready"} on a good install with a licence, 503 naming
 * the licence without one (and when it is not VALID/GRACE), no authentication needed; /health
 * stays liveness only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpsGet, newInstall, startServe } from './helpers/install.ts';

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
