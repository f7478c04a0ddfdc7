/**
 * @module In-process counters, gauges and histograms for /metrics. Label values come only from
 * sets we control (configured client names, catalogue tool names, fixed outcomes, tool
 * categories), never from free text.
 */
import type { Labels, MetricFamily, MetricType, Sample } from './prometheus-text.ts';
import { formatValue } from './prometheus-text.ts';

interface Family { help: string; type: MetricType; samples: Map<string, Sample>; collect?: () => Sample[]; histogram?: Histogram }

/** One histogram family: fixed upper bounds (ascending, +Inf implied) and per-label-set counts. */
interface Histogram { bounds: readonly number[]; series: Map<string, HistogramSeries> }
interface HistogramSeries { labels: Labels; counts: number[]; sum: number; count: number }

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

export class Metrics {
  readonly #families = new Map<string, Family>();

  #family(name: string, help: string, type: MetricType): Family {
    let f = this.#families.get(name);
    if (!f) { f = { help, type, samples: new Map() }; this.#families.set(name, f); }
    return f;
  }

  /** Declare a counter so it is exposed (with HELP/TYPE) before its first increment. */
  declareCounter(name: string, help: string): void {
    this.#family(name, help, 'counter');
  }

  /**
   * Declare a histogram with these bucket upper bounds (finite, strictly ascending; `+Inf` is
   * added). Series appear at their first observation.
   */
  declareHistogram(name: string, help: string, bounds: readonly number[]): void {
    if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) {
      throw new Error(`histogram ${name}: bucket bounds must be finite and strictly ascending`);
    }
    this.#family(name, help, 'histogram').histogram = { bounds: [...bounds], series: new Map() };
  }

  /** Record one observation (in the histogram's base unit) for the series with these labels. */
  observe(name: string, labels: Labels, value: number): void {
    const h = this.#families.get(name)?.histogram;
    if (!h) throw new Error(`histogram ${name} is not declared`);
    if (!Number.isFinite(value)) return;
    const k = keyOf(labels);
    let s = h.series.get(k);
    if (!s) { s = { labels, counts: h.bounds.map(() => 0), sum: 0, count: 0 }; h.series.set(k, s); }
    // Bucket i counts observations <= bounds[i]; exposition makes them cumulative.
    const i = h.bounds.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  /** Observations so far of one histogram series (tests, /status). */
  observations(name: string, labels: Labels): number {
    return this.#families.get(name)?.histogram?.series.get(keyOf(labels))?.count ?? 0;
  }

  /** Add `by` to the counter sample with these labels. */
  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.#families.get(name);
    if (!f) throw new Error(`metric ${name} is not declared`);
    const k = keyOf(labels);
    const s = f.samples.get(k);
    if (s) s.value += by; else f.samples.set(k, { labels, value: by });
  }

  /** A gauge (or counter) whose samples are read at scrape time. */
  collect(name: string, help: string, type: MetricType, fn: () => Sample[]): void {
    this.#family(name, help, type).collect = fn;
  }

  /** Current value of one counter sample (tests, /status). */
  value(name: string, labels: Labels = {}): number {
    return this.#families.get(name)?.samples.get(keyOf(labels))?.value ?? 0;
  }

  families(): MetricFamily[] {
    const out: MetricFamily[] = [];
    for (const [name, f] of this.#families) {
      const samples = f.histogram ? histogramSamples(f.histogram) : f.collect ? safeCollect(f.collect) : [...f.samples.values()];
      out.push({ name, help: f.help, type: f.type, samples });
    }
    return out;
  }
}

function safeCollect(fn: () => Sample[]): Sample[] {
  try { return fn(); } catch { return []; }
}

/** Cumulative `_bucket` samples (one per bound and `+Inf`), then `_sum` and `_count`, per series. */
function histogramSamples(h: Histogram): Sample[] {
  const out: Sample[] = [];
  for (const s of h.series.values()) {
    let cumulative = 0;
    h.bounds.forEach((b, i) => {
      cumulative += s.counts[i]!;
      out.push({ suffix: '_bucket', labels: { ...s.labels, le: formatValue(b) }, value: cumulative });
    });
    out.push({ suffix: '_bucket', labels: { ...s.labels, le: '+Inf' }, value: s.count });
    out.push({ suffix: '_sum', labels: s.labels, value: s.sum });
    out.push({ suffix: '_count', labels: s.labels, value: s.count });
  }
  return out;
}
