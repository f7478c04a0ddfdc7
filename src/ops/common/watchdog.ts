/**
 * @module A background watchdog: runs a task now (optionally) and every `intervalMs`, never two
 * runs at once (a tick during a run is skipped), publishes its state, and stops cleanly.
 */

export type WatchdogState = 'idle' | 'running' | 'ok' | 'failed' | 'alert' | 'stopped' | 'disabled';

export interface WatchdogStatus { state: WatchdogState; interval_s: number; last_run_at: string | null; last_result: string | null; runs: number; skipped_overlaps: number }

export interface Watchdog { status: WatchdogStatus; runNow(): Promise<void>; stop(): Promise<void> }

/** `task` resolves to the state to show and a one-line result. */
export function startWatchdog(intervalMs: number, task: () => Promise<{ state: WatchdogState; result: string }>, runAtStart: boolean): Watchdog {
  const status: WatchdogStatus = { state: 'idle', interval_s: Math.round(intervalMs / 1000), last_run_at: null, last_result: null, runs: 0, skipped_overlaps: 0 };
  let current: Promise<void> | undefined;
  let stopped = false;
  const runNow = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (current) { status.skipped_overlaps++; return current; }
    // An alert stays visible until a run ends without one (a check in progress does not hide tampering).
    if (status.state !== 'alert') status.state = 'running';
    current = (async () => {
      try {
        const r = await task();
        status.state = r.state;
        status.last_result = r.result;
      } catch (err) {
        status.state = 'failed';
        status.last_result = (err as Error).message;
      } finally {
        status.runs++;
        status.last_run_at = new Date().toISOString();
        current = undefined;
        if (stopped) status.state = 'stopped';
      }
    })();
    return current;
  };
  // setInterval caps at 2^31-1 ms (~24.8 days): longer intervals tick daily and wait for their turn.
  const tickMs = Math.min(intervalMs, 86_400_000);
  let due = Date.now() + intervalMs;
  const timer = setInterval(() => { if (Date.now() >= due) { due = Date.now() + intervalMs; void runNow(); } }, tickMs);
  timer.unref();
  if (runAtStart) setImmediate(() => { void runNow(); });
  return {
    status,
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      status.state = 'stopped';
    },
  };
}
