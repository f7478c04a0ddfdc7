/** @module Semantic version order (major.minor.patch; a pre-release sorts before its release). */

function parts(v: string): { nums: number[]; pre: string } {
  const [core = '', pre = ''] = v.split('-', 2);
  return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}
