import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWatchdog } from './watchdog.ts';

test('startWatchdog() never overlaps runs and stops cleanly', async () => {
  let running = 0;
  let maxRunning = 0;
  let release: () => void = () => undefined;
  const w = startWatchdog(3_600_000, async () => {
    running++; maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => { release = r; });
    running--;
    return { state: 'ok', result: 'done' };
  }, false);
  const first = w.runNow();
  const second = w.runNow();
  assert.equal(w.status.state, 'running');
  release();
  await Promise.all([first, second]);
  assert.deepEqual([maxRunning, w.status.runs, w.status.skipped_overlaps, w.status.state], [1, 1, 1, 'ok']);
  await w.stop();
  assert.equal(w.status.state, 'stopped');
  await w.runNow();
  assert.equal(w.status.runs, 1, 'no run after stop');
});

test('startWatchdog() records a failing task as failed', async () => {
  const w = startWatchdog(3_600_000, async () => { throw new Error('boom'); }, false);
  await w.runNow();
  assert.deepEqual([w.status.state, w.status.last_result], ['failed', 'boom']);
  await w.stop();
});

test('startWatchdog() keeps an alert visible while the next run is in progress', async () => {
  let release: () => void = () => undefined;
  const w = startWatchdog(3_600_000, async () => {
    await new Promise<void>((r) => { release = r; });
    return { state: 'ok', result: 'clean again' };
  }, false);
  w.status.state = 'alert';
  const run = w.runNow();
  assert.equal(w.status.state, 'alert');
  release();
  await run;
  assert.equal(w.status.state, 'ok');
  await w.stop();
});
