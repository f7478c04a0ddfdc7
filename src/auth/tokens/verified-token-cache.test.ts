import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from './verified-token-cache.ts';
import type { TokenClaims, VerifyResult } from './verify-token.ts';
import { CLOCK_LEEWAY_SECONDS } from './verify-token.ts';

const NOW = 1_800_000_000;
const claims = (jti: string, exp = NOW + 600, iat = NOW): TokenClaims => ({ typ: 'JWT', sub: 's', iss: 'i', aud: ['a'], iat, exp, jti, client_id: 'c' });

/** A verify function that counts its calls and answers `result`. */
function counted(result: VerifyResult): { fn: () => Promise<VerifyResult>; calls: () => number } {
  let n = 0;
  return { fn: () => { n++; return Promise.resolve(result); }, calls: () => n };
}

test('a token that verified is answered from the memo until exp + leeway, then verified afresh', async () => {
  const cache = new VerifiedTokenCache();
  const ok = counted({ ok: true, claims: claims('j1') });
  for (const t of [NOW, NOW + 1, NOW + 599, NOW + 600 + CLOCK_LEEWAY_SECONDS - 1]) assert.equal((await cache.verify('tok-1', t, ok.fn)).ok, true, `at ${t - NOW}`);
  assert.equal(ok.calls(), 1);
  const expired = counted({ ok: false, reason: 'expired' });
  for (const t of [NOW + 600 + CLOCK_LEEWAY_SECONDS, NOW + 10_000]) {
    assert.deepEqual(await cache.verify('tok-1', t, expired.fn), { ok: false, reason: 'expired' }, `at ${t - NOW}`);
  }
  assert.equal(expired.calls(), 2, 'an expired token is never answered from the memo');
});

test('failures are never memoised, and the memo is keyed by the exact token bytes', async () => {
  const cache = new VerifiedTokenCache();
  const bad = counted({ ok: false, reason: 'bad_signature' });
  for (let i = 0; i < 3; i++) assert.equal((await cache.verify('forged', NOW, bad.fn)).ok, false);
  assert.equal(bad.calls(), 3);
  const ok = counted({ ok: true, claims: claims('j2') });
  await cache.verify('tok-2', NOW, ok.fn);
  for (const other of ['tok-2 ', 'tok-3', 'TOK-2', 'tok-', '']) {
    const again = counted({ ok: false, reason: 'malformed' });
    assert.equal((await cache.verify(other, NOW, again.fn)).ok, false, JSON.stringify(other));
    assert.equal(again.calls(), 1, `${JSON.stringify(other)} is verified, not taken from the memo`);
  }
});

test('a hit whose iat is in the future (the clock moved back) is verified afresh', async () => {
  const cache = new VerifiedTokenCache();
  await cache.verify('tok-4', NOW, counted({ ok: true, claims: claims('j4') }).fn);
  const fresh = counted({ ok: false, reason: 'future_iat' });
  assert.equal((await cache.verify('tok-4', NOW - 3600, fresh.fn)).ok, false);
  assert.equal(fresh.calls(), 1);
});

test('the memo is bounded: beyond max, expired entries and then the oldest are dropped', async () => {
  const cache = new VerifiedTokenCache(3);
  for (let i = 0; i < 10; i++) await cache.verify(`tok-${i}`, NOW, counted({ ok: true, claims: claims(`j${i}`) }).fn);
  assert.equal(cache.size, 3);
  const again = counted({ ok: true, claims: claims('j0') });
  await cache.verify('tok-0', NOW, again.fn);
  assert.equal(again.calls(), 1, 'the oldest entry was dropped');
  const kept = counted({ ok: true, claims: claims('j9') });
  await cache.verify('tok-9', NOW, kept.fn);
  assert.equal(kept.calls(), 0, 'the newest entry is kept');
});
