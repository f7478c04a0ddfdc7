/**
 * Trustworthy bench figures: warm both sides, then measure aibridge and its baseline in
 * alternating pairs (A B, B A, A B, …) so neither side always runs first and pays a cold lab,
 * a cold page cache or a CPU that another process just left. Each side returns its metrics for
 * one sample; the summary is the median of every metric with its spread (min–max) and the ratio
 * of the medians. BENCH_PAIRS sets the number of pairs (default 5, the minimum; 1 or 2
 * for a quick look while developing — the output then says how many pairs it is based on).
 */

/** One sample of one side: metric name → value (e.g. { rate: 812, p50: 1.1, p99: 3.4 }). */
export type Metrics = Record<string, number>;

export interface Spread { median: number; min: number; max: number; n: number }
export type Summary = Record<string, Spread>;

export interface PairResult {
  ours: Summary;
  base: Summary;
  /** Number of measured pairs (warm-up excluded). */
  pairs: number;
}

/** Pairs to measure: BENCH_PAIRS (≥ 1), default 5. */
export function pairCount(): number {
  const n = Number(process.env.BENCH_PAIRS ?? 5);
  return Number.isInteger(n) && n >= 1 ? n : 5;
}

export function spread(xs: number[]): Spread {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

export function summarise(samples: Metrics[]): Summary {
  const keys = new Set(samples.flatMap((m) => Object.keys(m)));
  const out: Summary = {};
  for (const k of keys) out[k] = spread(samples.map((m) => m[k] ?? NaN));
  return out;
}

export interface PairOptions {
  /** One sample of aibridge. */
  ours: () => Promise<Metrics>;
  /** One sample of the baseline, measured the same way. */
  base: () => Promise<Metrics>;
  /** Unmeasured samples of each side first (default 1): connections, JIT, lab caches, page cache. */
  warmup?: number;
  /** Overrides BENCH_PAIRS. */
  pairs?: number;
}

/** Warm both sides, then run `pairs` alternating pairs; even pairs run ours first, odd pairs the baseline. */
export async function measurePairs(o: PairOptions): Promise<PairResult> {
  const n = o.pairs ?? pairCount();
  for (let i = 0; i < (o.warmup ?? 1); i++) { await o.ours(); await o.base(); }
  const ours: Metrics[] = [];
  const base: Metrics[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) { ours.push(await o.ours()); base.push(await o.base()); }
    else { base.push(await o.base()); ours.push(await o.ours()); }
  }
  return { ours: summarise(ours), base: summarise(base), pairs: n };
}

/** Metrics sampled from aibridge alone (no baseline), e.g. memory per session: median and spread of `n` samples. */
export async function measureRepeated(sample: () => Promise<Metrics>, o: { warmup?: number; samples?: number } = {}): Promise<{ summary: Summary; samples: number }> {
  const n = o.samples ?? pairCount();
  for (let i = 0; i < (o.warmup ?? 0); i++) await sample();
  const xs: Metrics[] = [];
  for (let i = 0; i < n; i++) xs.push(await sample());
  return { summary: summarise(xs), samples: n };
}

/** Rounding that keeps two or three significant figures for small values. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** "812 calls/s (790–830)": median, unit, spread in brackets when there is more than one sample. */
export function fmt(s: Spread | undefined, unit: string): string {
  if (!s || s.n === 0) return '—';
  const u = unit ? ` ${unit}` : '';
  return s.n > 1 && s.min !== s.max ? `${num(s.median)}${u} (${num(s.min)}–${num(s.max)})` : `${num(s.median)}${u}`;
}

/**
 * Ratio of medians. 'throughput' (higher is better): ours / base as a percentage of the baseline.
 * 'time' (lower is better): ours / base as a multiple of the baseline ("1.31×").
 */
export function ratio(ours: Spread | undefined, base: Spread | undefined, kind: 'throughput' | 'time'): string {
  if (!ours || !base || !(base.median > 0)) return '—';
  const r = ours.median / base.median;
  return kind === 'throughput' ? `${(r * 100).toFixed(0)} %` : `${r.toFixed(2)}×`;
}
