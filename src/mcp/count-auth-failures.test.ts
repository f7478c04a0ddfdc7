/** Issue #12 item 10 (T-SC-05, T-RB-05): /metrics is readable only from loopback, an allowlisted scraper, the metrics token or an allowed client; labels come only from verified identities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, METRICS_TEST_TOKEN } from './testdata/mcp-harness.ts';
import { isLoopback } from '../http/metrics-route.ts';

const jwt = (claims: object): string => `Bearer eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

test('#12.10 /metrics: loopback scrapes need no token; remote ones need the metrics token or an allowed client', async () => {
  const h = await startHarness();
  for (const peer of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) assert.equal((await h.fetch('https://x/metrics', {}, peer)).status, 200, peer);
  for (const peer of ['10.0.0.5', '192.0.2.7', '2001:db8::1', '::ffff:10.0.0.5', 'unknown']) {
    assert.equal((await h.fetch('https://x/metrics', {}, peer)).status, 401, `${peer} without a token`);
    assert.equal((await h.fetch('https://x/metrics', { headers: { authorization: 'Bearer wrong-token' } }, peer)).status, 401, `${peer} bad token`);
    assert.equal((await h.fetch('https://x/metrics', { headers: { authorization: 'Bearer alice' } }, peer)).status, 403, `${peer} client not allowed`);
    assert.equal((await h.fetch('https://x/metrics', { headers: { authorization: 'Bearer aud' } }, peer)).status, 200, `${peer} allowed client`);
    assert.equal((await h.fetch('https://x/metrics', { headers: { authorization: `Bearer ${METRICS_TEST_TOKEN}` } }, peer)).status, 200, `${peer} metrics token`);
  }
  assert.equal(isLoopback('0:0:0:0:0:0:0:1'), true);
  assert.equal(isLoopback('::127.0.0.1'), false);
});

test('#12.10 a refused token claiming to be another client is counted as unknown, never under that client', async () => {
  const h = await startHarness();
  for (let i = 0; i < 3; i++) {
    const r = await h.fetch('https://x/status', { headers: { authorization: jwt({ client_id: 'olga', azp: 'olga' }) } });
    assert.equal(r.status, 401);
  }
  assert.equal(h.metrics.value('aibridge_auth_failures_total', { client: 'olga' }), 0);
  assert.equal(h.metrics.value('aibridge_auth_failures_total', { client: 'unknown' }), 3);
});
