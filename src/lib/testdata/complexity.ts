/**
 * Complexity checks for tests, instead of timed assertions (a wall-clock limit fails on a slow
 * or loaded machine and passes a quadratic implementation on a fast one).
 *
 * `assertLinearGrowth` runs `fn` on an input of size n and of size factor·n and compares the
 * process CPU time they take (the smallest of a few runs, so another process's load and a GC
 * pause do not count). Linear work grows by about `factor`; the check fails when it grows by
 * more than `maxRatio` (default factor × 4; quadratic grows by factor², here 100 for factor 10;
 * exponential backtracking never ends, and the test runner's timeout fails it). A large run that
 * takes under `floorMs` of CPU passes whatever the ratio: it is too small to measure, and no
 * super-linear work on these sizes is that cheap.
 */
import assert from 'node:assert/strict';

export interface GrowthOptions {
  /** The small size; the large one is factor × n. */
  n: number;
  factor?: number;
  maxRatio?: number;
  floorMs?: number;
  /** Runs per size; the fastest counts. */
  runs?: number;
}

function cpuMs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Smallest CPU time of `runs` calls of `fn(input)`; a throw counts as an answer (refusing is fine, hanging is not). */
function fastest(fn: (input: string) => unknown, input: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, cpuMs(() => { try { fn(input); } catch { /* refused */ } }));
  return best;
}

/**
 * `make(size)` builds the adversarial input of that size; `fn` is the code under test. Returns the
 * measured ratio (for the message of a caller that wants it).
 */
export function assertLinearGrowth(label: string, make: (size: number) => string, fn: (input: string) => unknown, o: GrowthOptions): number {
  const factor = o.factor ?? 10;
  const maxRatio = o.maxRatio ?? factor * 4;
  const floorMs = o.floorMs ?? 30;
  const runs = o.runs ?? 3;
  const small = make(o.n);
  const large = make(o.n * factor);
  fastest(fn, small, 1); // warm up: the first call compiles
  const tSmall = Math.max(fastest(fn, small, runs), 0.05);
  const tLarge = fastest(fn, large, runs);
  const ratio = tLarge / tSmall;
  if (tLarge < floorMs) return ratio;
  assert.ok(ratio < maxRatio, `${label}: ${factor}× the input took ${ratio.toFixed(1)}× the CPU time (${tSmall.toFixed(1)} → ${tLarge.toFixed(1)} ms); linear work grows about ${factor}×, the limit is ${maxRatio}×`);
  return ratio;
}
