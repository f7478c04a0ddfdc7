/**
 * @module The licence watchdog (start-up step 10): re-checks the installed licence on a timer and
 * reports every change of state or of what it unlocks (VALID → GRACE → EXPIRED while running, a
 * new licence installed, a licence removed). The clock and the check are injected, so tests drive
 * transitions with `tick()` and a fake clock, never with a sleep.
 *
 * Reporting rule: the first check and every change are logged at the state's level (INVALID
 * critical, EXPIRED error, GRACE warning, VALID info) and written as a SERVER audit event
 * `license_state`; while in GRACE the warning repeats once a day.
 */
import type { LicenseCheck } from './check-license.ts';
import type { LicenseStatus } from './verify-license.ts';
import type { Entitlements } from './tiers.ts';

export const LICENSE_CHECK_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

export interface LicenseLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warning(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  critical(event: string, fields?: Record<string, unknown>): void;
}

export interface LicenseAudit {
  append(category: 'SERVER', event: string, fields: Record<string, unknown>): unknown;
}

export interface LicenseWatchdogDeps {
  /** One check of the installed licence at `now` (check-license.ts). */
  check(now: number): Promise<LicenseCheck>;
  /** Epoch ms. */
  now(): number;
  logger: LicenseLogger;
  audit: LicenseAudit;
  intervalMs?: number;
  /**
   * Watch the licence file; call `onChange` when it may have changed, return a stop function.
   * Makes `aibridge license install` take effect at once; the timer stays as the fallback.
   */
  watch?(onChange: () => void): () => void;
}

export type LicenseListener = (next: LicenseStatus, previous: LicenseStatus) => void;

/** What a change means to the tool set: same key, same tools. */
function fingerprint(s: LicenseStatus): string {
  const e: Entitlements | undefined = s.entitlements;
  return [s.state, s.claims?.jti ?? '', e ? `${e.tier}:${e.products.join(',')}:${e.features.join(',')}` : ''].join('|');
}

export class LicenseWatchdog {
  readonly #deps: LicenseWatchdogDeps;
  readonly #listeners: LicenseListener[] = [];
  #status: LicenseStatus | undefined;
  #warnings = '';
  #lastGraceWarning = -Infinity;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unwatch: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: LicenseWatchdogDeps) {
    this.#deps = deps;
  }

  /** The current state; throws before the first check (start-up step 8 runs it). */
  get status(): LicenseStatus {
    if (!this.#status) throw new Error('the licence was not checked yet');
    return this.#status;
  }

  /** What the licence unlocks now; undefined when EXPIRED or INVALID. */
  entitlements(): Entitlements | undefined {
    return this.#status?.entitlements;
  }

  onChange(fn: LicenseListener): void {
    this.#listeners.push(fn);
  }

  /** First check (start-up step 8): logs and audits the state. */
  async checkNow(): Promise<LicenseStatus> {
    await this.tick();
    return this.status;
  }

  /** Start the timer and the file watch (start-up step 10). */
  start(): void {
    this.#timer ??= setInterval(() => { void this.tick(); }, this.#deps.intervalMs ?? LICENSE_CHECK_INTERVAL_MS);
    this.#timer.unref?.();
    this.#unwatch ??= this.#deps.watch?.(() => { void this.tick(); });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  /**
   * Re-check; resolves when a check that started after this call has finished. Calls during a
   * check coalesce into one more check, so a change seen mid-check is never missed.
   */
  tick(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#check();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #check(): Promise<void> {
    const now = this.#deps.now();
    let result: LicenseCheck;
    try {
      result = await this.#deps.check(now);
    } catch (err) {
      // An unexpected failure (not a bad licence, which is a state) keeps the last state.
      this.#deps.logger.error('license_check_failed', { message: (err as Error).message });
      if (this.#status) return;
      result = { status: { state: 'INVALID', reason: `the licence could not be checked: ${(err as Error).message}`, checkedAt: now }, warnings: [] };
    }
    const warnings = result.warnings.join('\n');
    if (warnings && warnings !== this.#warnings) for (const w of result.warnings) this.#deps.logger.warning('license_file_mode', { message: w });
    this.#warnings = warnings;
    const previous = this.#status;
    const next = result.status;
    this.#status = next;
    const changed = !previous || fingerprint(previous) !== fingerprint(next);
    if (changed) this.#report(next, previous);
    else if (next.state === 'GRACE' && now - this.#lastGraceWarning >= DAY_MS) this.#log(next, now);
    if (changed && previous) for (const fn of this.#listeners) fn(next, previous);
  }

  #log(s: LicenseStatus, now: number): void {
    const fields = { state: s.state, reason: s.reason, ...(s.action ? { action: s.action } : {}), ...(s.claims ? { customer: s.claims.sub, tier: s.claims.tier, license_id: s.claims.jti } : {}) };
    const log = this.#deps.logger;
    if (s.state === 'INVALID') log.critical('license_invalid', fields);
    else if (s.state === 'EXPIRED') log.error('license_expired', fields);
    else if (s.state === 'GRACE') { log.warning('license_grace', fields); this.#lastGraceWarning = now; }
    else log.info('license_valid', { ...fields, products: s.entitlements?.products, features: s.entitlements?.features });
  }

  #report(next: LicenseStatus, previous: LicenseStatus | undefined): void {
    this.#log(next, next.checkedAt);
    const c = next.claims;
    try {
      this.#deps.audit.append('SERVER', 'license_state', {
        state: next.state, previous: previous?.state ?? null, reason: next.reason,
        ...(c ? { customer: c.sub, tier: c.tier, license_id: c.jti, expires_at: new Date(c.exp * 1000).toISOString() } : {}),
        products: [...(next.entitlements?.products ?? [])], features: [...(next.entitlements?.features ?? [])],
      });
    } catch (err) {
      this.#deps.logger.error('audit_write_failed', { event: 'license_state', message: (err as Error).message });
    }
  }
}
