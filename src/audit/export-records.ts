/** @module Filter audit records by time and category and render them as NDJSON or CSV. */
import { listAuditFiles, readAuditFile } from './audit-files.ts';

export interface ExportFilter { from?: Date; to?: Date; categories?: readonly string[] }

export type AuditRecord = Record<string, unknown> & { ts: string; seq: number; category: string; event: string };

/** Records of the whole chain (archives first) that pass the filter. Unparseable lines are skipped. */
export function selectRecords(logPath: string, filter: ExportFilter): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const path of listAuditFiles(logPath)) {
    for (const line of readAuditFile(path).lines) {
      let r: AuditRecord;
      try { r = JSON.parse(line) as AuditRecord; } catch { continue; }
      const t = Date.parse(r.ts);
      if (filter.from && !(t >= filter.from.getTime())) continue;
      if (filter.to && !(t <= filter.to.getTime())) continue;
      if (filter.categories?.length && !filter.categories.includes(r.category)) continue;
      out.push(r);
    }
  }
  return out;
}

const CSV_FIXED = ['ts', 'seq', 'category', 'event'] as const;

function csvCell(value: unknown): string {
  const s = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote everything and neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** CSV with fixed columns, then `details` (the remaining fields as JSON) and `prev`. */
export function toCsv(records: readonly AuditRecord[]): string {
  const lines = [[...CSV_FIXED, 'details', 'prev'].join(',')];
  for (const r of records) {
    const { ts, seq, category, event, prev, ...rest } = r;
    lines.push([ts, seq, category, event, rest, prev].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function toNdjson(records: readonly AuditRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}
