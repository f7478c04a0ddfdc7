/**
 * @module /metrics gauge of the licence state: aibridge_license_state{state} (1 for the current
 * state). Days left is `aibridge_license_remaining_seconds` (days left × 86,400; promtool wants base units) in server/appliance-gauges.ts, read from the
 * same report (/status `license.days_left`).
 */
import type { LicenseGate } from './license-gate.ts';
import { stateSamples } from './license-report.ts';

interface Collector {
  collect(name: string, help: string, type: 'gauge', fn: () => Array<{ labels: Record<string, string>; value: number }>): void;
}

export function registerLicenseGauges(m: Collector, gate: LicenseGate): void {
  m.collect('aibridge_license_state', 'Licence state: 1 for the current state (VALID, GRACE, EXPIRED, INVALID), 0 for the others', 'gauge', () => stateSamples(gate.status.state));
}
