/**
 * @module In-process counters and gauges for /metrics. Label values come only from sets we
 * control (configured client names, catalogue tool names, fixed outcomes), never from free text.
 */
import type { Labels, MetricFamily, MetricType, Sample } from './prometheus-text.ts';

interface Family { help: string; type: MetricType; samples: Map<string, Sample>; collect?: () => Sample[] }

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
      const samples = f.collect ? safeCollect(f.collect) : [...f.samples.values()];
      out.push({ name, help: f.help, type: f.type, samples });
    }
    return out;
  }
}

function safeCollect(fn: () => Sample[]): Sample[] {
  try { return fn(); } catch { return []; }
}
