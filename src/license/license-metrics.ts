/** @module /metrics gauges of the licence: aibridge_license_state{state} and aibridge_license_days_left. */
import type { LicenseGate } from './license-gate.ts';
import { daysUntil } from './verify-license.ts';
import { stateSamples } from './license-report.ts';

interface Collector {
  collect(name: string, help: string, type: 'gauge', fn: () => Array<{ labels: Record<string, string>; value: number }>): void;
}

export function registerLicenseGauges(m: Collector, gate: LicenseGate, now: () => number = Date.now): void {
  m.collect('aibridge_license_state', 'Licence state: 1 for the current state (VALID, GRACE, EXPIRED, INVALID), 0 for the others', 'gauge', () => stateSamples(gate.status.state));
  m.collect('aibridge_license_days_left', 'Days until the licence expires (negative once past; the grace period follows); absent without a verified licence', 'gauge', () => {
    const c = gate.status.claims;
    return c ? [{ labels: {}, value: daysUntil(c.exp, now()) }] : [];
  });
}
