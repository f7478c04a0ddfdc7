import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlidingWindowLimiter } from './sliding-window.ts';

test('SlidingWindowLimiter.take() admits up to the limit within the window, then says when to retry', () => {
  const l = new SlidingWindowLimiter(60_000);
  assert.deepEqual(l.take('a', 3, 0), { allowed: true, limit: 3, remaining: 2, retryAfterMs: 0 });
  l.take('a', 3, 10_000);
  l.take('a', 3, 20_000);
  const over = l.take('a', 3, 30_000);
  assert.equal(over.allowed, false);
  assert.equal(over.retryAfterMs, 30_000, 'the oldest call leaves the window at 60 s');
  assert.equal(l.take('a', 3, 59_999).allowed, false);
  assert.equal(l.take('a', 3, 60_000).allowed, true, 'sliding, not fixed: one slot frees at 60 s');
  assert.equal(l.take('a', 3, 60_001).allowed, false);
});

test('SlidingWindowLimiter keeps keys apart and does not count refused calls', () => {
  const l = new SlidingWindowLimiter(1_000);
  for (let i = 0; i < 5; i++) l.take('a', 1, 0);
  assert.equal(l.take('b', 1, 0).allowed, true, 'client B is unaffected by client A');
  assert.equal(l.take('a', 1, 1_000).allowed, true, 'refused calls did not extend the window');
});

test('SlidingWindowLimiter.peek() reports the remaining budget and sweep() forgets empty keys', () => {
  const l = new SlidingWindowLimiter(1_000);
  l.take('a', 5, 0);
  l.take('a', 5, 100);
  assert.equal(l.peek('a', 5, 500), 3);
  assert.equal(l.peek('a', 5, 1_050), 4);
  l.sweep(5_000);
  assert.equal(l.size, 0);
});

test('SlidingWindowLimiter with a limit of 0 refuses every call', () => {
  const l = new SlidingWindowLimiter(1_000);
  const r = l.take('a', 0, 0);
  assert.equal(r.allowed, false);
  assert.ok(r.retryAfterMs > 0);
});

test('SlidingWindowLimiter stays bounded under a long run of calls', () => {
  const l = new SlidingWindowLimiter(1_000);
  for (let t = 0; t < 200_000; t++) l.take('a', 10, t);
  assert.ok(l.peek('a', 10, 200_000) <= 1, 'still at most the limit in one window');
});
