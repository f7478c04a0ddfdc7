/**
 * @module The health-check thresholds, in one table (README "Health checks" prints the same).
 * A value at or past `warn` is WARN, at or past `fail` is FAIL; for certificates and NTP
 * stratum the comparison is as documented per row.
 */

export interface Thresholds {
  /** Days until a certificate expires: below `warnDays` WARN, below `failDays` (or expired) FAIL. */
  certificate: { warnDays: number; failDays: number };
  /** Disk partition use in percent (active, inactive, logging). */
  diskUsedPct: { warn: number; fail: number };
  /** Memory used / total in percent. */
  memoryUsedPct: { warn: number; fail: number };
  /** CPU busy (100 - idle) in percent. */
  cpuBusyPct: { warn: number; fail: number };
  /** NTP stratum of this node: above `warnAbove` WARN; 16 or unsynchronised FAIL. */
  ntpStratum: { warnAbove: number };
  /** Devices not registered (unregistered + rejected) in percent of those RIS knows: above 0 WARN, at `fail` FAIL. */
  unregisteredPct: { fail: number };
}

export const THRESHOLDS: Thresholds = {
  certificate: { warnDays: 60, failDays: 15 },
  diskUsedPct: { warn: 80, fail: 90 },
  memoryUsedPct: { warn: 85, fail: 95 },
  cpuBusyPct: { warn: 75, fail: 90 },
  ntpStratum: { warnAbove: 4 },
  unregisteredPct: { fail: 10 },
};

/** The table as Markdown rows (reports and README). */
export function thresholdRows(t: Thresholds = THRESHOLDS): string[][] {
  return [
    ['Certificates', `WARN below ${t.certificate.warnDays} days to expiry`, `FAIL below ${t.certificate.failDays} days or expired`],
    ['Disk (each partition)', `WARN at ${t.diskUsedPct.warn} % used`, `FAIL at ${t.diskUsedPct.fail} % used`],
    ['Memory', `WARN at ${t.memoryUsedPct.warn} % used`, `FAIL at ${t.memoryUsedPct.fail} % used`],
    ['CPU', `WARN at ${t.cpuBusyPct.warn} % busy`, `FAIL at ${t.cpuBusyPct.fail} % busy`],
    ['NTP', `WARN above stratum ${t.ntpStratum.warnAbove}`, 'FAIL when unsynchronised (stratum 16)'],
    ['Registration', 'WARN when any device is unregistered or rejected', `FAIL at ${t.unregisteredPct.fail} % of devices`],
    ['Replication', 'WARN in state 0 or 1 (setting up)', 'FAIL in state 3 or 4, or a node missing'],
    ['Services', '-', 'FAIL when an activated service is not started'],
    ['Version', '-', 'WARN when nodes of one cluster run different versions'],
  ];
}
