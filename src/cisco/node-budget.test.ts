import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeBudget } from './node-budget.ts';
import { AppError } from '../lib/errors.ts';

test('NodeBudget: N requests per sliding minute per node, then E_RATE_LIMITED with the wait; nodes are separate', () => {
  const b = new NodeBudget('PerfMon', 3);
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) b.spend('a', t0 + i * 1000);
  assert.equal(b.left('a', t0 + 2500), 0);
  assert.equal(b.left('b', t0 + 2500), 3, 'another node has its own budget');
  assert.throws(() => b.spend('a', t0 + 10_000), (e: unknown) => e instanceof AppError && e.code === 'E_RATE_LIMITED'
    && /PerfMon budget of 3 requests per minute for node "a"/.test(e.message) && /retry in 50 s/.test(e.hint ?? ''));
  // The first request leaves the window after a minute: one more fits, not two.
  b.spend('a', t0 + 60_000);
  assert.throws(() => b.spend('a', t0 + 60_500), AppError);
  assert.equal(b.left('a', t0 + 62_000), 2, 'the second and third left the window too');
});
