/**
 * @module One doctor finding (PASS / WARN / FAIL with the fix) and the two ways to print the
 * list: a table with a header line, or JSON. Findings never hold a credential.
 */
import { errorMessage } from '../../lib/errors.ts';

export type DoctorStatus = 'PASS' | 'WARN' | 'FAIL';

export interface DoctorCheck {
  /** What was checked, e.g. `.env mode` or `node cucm-pub: TLS`. */
  check: string;
  status: DoctorStatus;
  detail: string;
  /** What to do about a WARN or FAIL. */
  fix?: string;
}

export function pass(check: string, detail: string): DoctorCheck { return { check, status: 'PASS', detail }; }
export function warn(check: string, detail: string, fix: string): DoctorCheck { return { check, status: 'WARN', detail, fix }; }
export function failed(check: string, detail: string, fix: string): DoctorCheck { return { check, status: 'FAIL', detail, fix }; }

/** Run one check with a time bound; a throw or a timeout becomes a FAIL row (the table is always whole). */
export async function bounded(check: string, timeoutMs: number, fn: () => Promise<DoctorCheck>, fix: string): Promise<DoctorCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DoctorCheck>((resolve) => {
    timer = setTimeout(() => resolve(failed(check, `no answer within ${timeoutMs / 1000} s`, fix)), timeoutMs);
  });
  try {
    return await Promise.race([fn().catch((err: unknown) => failed(check, errorMessage(err), fix)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function summarise(checks: readonly DoctorCheck[]): Record<DoctorStatus, number> {
  const s: Record<DoctorStatus, number> = { PASS: 0, WARN: 0, FAIL: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}

/** The table: a header line, one row per check, the fix indented under it, then a summary. */
export function doctorTable(checks: readonly DoctorCheck[]): string[] {
  const width = Math.min(40, Math.max(5, ...checks.map((c) => c.check.length)));
  const lines = [`${'STATUS'.padEnd(6)}  ${'CHECK'.padEnd(width)}  DETAIL`];
  for (const c of checks) {
    lines.push(`${c.status.padEnd(6)}  ${c.check.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== 'PASS') lines.push(`${''.padEnd(8 + width)}  fix: ${c.fix}`);
  }
  const s = summarise(checks);
  lines.push('', `doctor: ${s.PASS} pass, ${s.WARN} warn, ${s.FAIL} fail`);
  return lines;
}
