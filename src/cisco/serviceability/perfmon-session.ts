/**
 * @module A PerfMon session for rates over several samples: perfmonOpenSession → AddCounter →
 * CollectSessionData × samples → CloseSession. The session is always closed, also when a step
 * fails or the caller cancels: the close runs in `finally` with its own signal, because a
 * session left open holds resources on the node until it times out there.
 */
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { buildAddCounter, buildCloseSession, buildCollectSessionData, buildOpenSession, readCounterValues, readSessionHandle } from './perfmon.ts';
import type { CounterValue } from './perfmon.ts';
import { upstreamError } from '../upstream-error.ts';

/** One PerfMon request; `signal` is undefined for the closing request. */
export type PerfmonCall = (action: string, body: string, signal?: AbortSignal) => Promise<XObject>;

export interface SessionOptions {
  paths: readonly string[];
  samples: number;
  intervalMs: number;
  signal?: AbortSignal;
  /** Injected in tests; waits `ms` or rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SessionResult { samples: { at: string; values: CounterValue[] }[]; closed: boolean }

/** Requests a session of `samples` samples costs against the node's budget. */
export function sessionCost(samples: number): number {
  return samples + 3;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(upstreamError('cancelled', 'PerfMon collection was cancelled', { hint: 'the session was closed' })); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(upstreamError('cancelled', 'PerfMon collection was cancelled', { hint: 'the session was closed' })); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function runPerfmonSession(call: PerfmonCall, o: SessionOptions): Promise<SessionResult> {
  const sleep = o.sleep ?? abortableSleep;
  const handle = readSessionHandle(await call('perfmonOpenSession', buildOpenSession(), o.signal));
  const samples: SessionResult['samples'] = [];
  let closed = false;
  try {
    await call('perfmonAddCounter', buildAddCounter(handle, o.paths), o.signal);
    for (let i = 0; i < o.samples; i++) {
      if (i > 0) await sleep(o.intervalMs, o.signal);
      const v = await call('perfmonCollectSessionData', buildCollectSessionData(handle), o.signal);
      samples.push({ at: new Date().toISOString(), values: readCounterValues(v) });
    }
  } finally {
    try {
      await call('perfmonCloseSession', buildCloseSession(handle), undefined);
      closed = true;
    } catch { /* reported as closed: false on success; a failing step's own error wins */ }
  }
  return { samples, closed };
}

/** Per-second rates between the first and last sample, per counter name. */
export function ratesOf(r: SessionResult, intervalMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  const first = r.samples[0];
  const last = r.samples[r.samples.length - 1];
  if (!first || !last || first === last) return out;
  const secs = ((r.samples.length - 1) * intervalMs) / 1000;
  const start = new Map(first.values.map((v) => [v.name, v.value]));
  for (const v of last.values) {
    const s = start.get(v.name);
    if (s !== undefined && secs > 0) out[v.name] = Math.round(((v.value - s) / secs) * 1000) / 1000;
  }
  return out;
}
