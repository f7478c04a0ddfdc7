/**
 * The auth, OAuth and Fail2Ban suites once more, on the Valkey backend: a real redis-server on
 * loopback, and every rig of test-harness.ts pointed at it (AIBRIDGE_TEST_VALKEY_URL).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startRedis, type RedisHandle } from '../state/testdata/redis-server.ts';

const SUITES = [
  'src/auth/fail2ban/fail2ban.test.ts',
  'src/auth/authenticate.test.ts',
  'src/auth/oauth/token-endpoint.test.ts',
  'src/auth/oauth/authorize-flow.test.ts',
  'src/auth/clients/revoke-client.test.ts',
];

let redis: RedisHandle;
before(async () => { redis = await startRedis(); });
after(async () => { await redis.stop(); });

test('auth, OAuth, revocation and Fail2Ban suites pass on the Valkey backend', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, AIBRIDGE_TEST_VALKEY_URL: redis.url };
  delete env.NODE_TEST_CONTEXT; // run as a top-level test runner, printing its own summary
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...SUITES], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const summary = r.stdout.split('\n').filter((l) => /^ℹ (tests|pass|fail|skipped)/.test(l)).join('; ');
  assert.equal(r.status, 0, `${summary}\n${r.stdout.slice(-4000)}${r.stderr.slice(-2000)}`);
  assert.match(summary, /ℹ fail 0/);
  assert.doesNotMatch(summary, /ℹ tests 0/);
});
