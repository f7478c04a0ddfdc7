/**
 * @module Singletons across instances (scale-out issue): scheduled backups and the integrity and
 * licence watchdogs run on one instance at a time. Each instance tries to take a short lease
 * (`ttlMs`, renewed every third of it); the holder runs the job, the others stand by. When the
 * holder dies its lease lapses within `ttlMs` and the next renewal elsewhere takes over. With the
 * local backend the lease is always held. A store outage means "not held" (fail safe: a backup is
 * skipped rather than run twice).
 */
import type { LeaseState } from './shared-state.ts';

export interface LeaseKeeper {
  readonly name: string;
  held(): boolean;
  /** Renew now and say whether this instance holds the lease. */
  check(): Promise<boolean>;
  stop(): Promise<void>;
}

export function startLeaseKeeper(leases: LeaseState, name: string, ttlMs = 30_000): LeaseKeeper {
  let held = false;
  let stopped = false;
  const renew = async (): Promise<void> => {
    try { held = !stopped && await leases.acquire(name, ttlMs); } catch { held = false; }
  };
  void renew();
  const timer = setInterval(() => { void renew(); }, Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    name,
    held: () => held,
    async check() { await renew(); return held; },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (held) { held = false; await leases.release(name).catch(() => undefined); }
    },
  };
}

/** Wrap a watchdog task so it runs only on the lease holder; others report that they stand by. */
export function onLeaseHolder<T extends { state: string; result: string }>(keeper: LeaseKeeper, task: () => Promise<T>, standby: () => T): () => Promise<T> {
  return async () => (await keeper.check() ? task() : standby());
}
