/** @module `aibridge audit export`: NDJSON or CSV, filtered by time range and category. */
import { join } from 'node:path';
import type { Command } from './command.ts';
import { flagString } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { selectRecords, toCsv, toNdjson } from '../audit/export-records.ts';
import { AUDIT_CATEGORIES } from '../audit/audit-record.ts';
import { openAuditLog } from '../audit/open-logs.ts';

function parseTime(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new AppError('E_USAGE', `--${flag} "${value}" is not a date`, { hint: 'use ISO 8601, e.g. 2026-11-24T00:00:00Z' });
  return new Date(t);
}

export const AUDIT_EXPORT_COMMAND: Command = {
  name: 'audit export',
  summary: 'Export audit records as NDJSON or CSV',
  help: [
    'Usage: aibridge audit export [--dir DIR] [--format ndjson|csv] [--from ISO] [--to ISO]',
    '                             [--category CAT[,CAT]] [--output FILE] [--log FILE]...',
    '',
    `Categories: ${AUDIT_CATEGORIES.join(', ')}. Reads audit.log and its rotated archives.`,
    'Without --output the records go to stdout. The export itself is recorded (EXPORTED).',
    'With several instances, --log FILE (repeatable) reads those audit logs and merges them by time.',
  ].join('\n'),
  options: { format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, category: { type: 'string' }, output: { type: 'string' }, log: { type: 'string', multiple: true } },
  async run(ctx) {
    const format = flagString(ctx.values, 'format') ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') throw new AppError('E_USAGE', `--format "${format}" is not supported`, { hint: 'use ndjson or csv' });
    const categories = (flagString(ctx.values, 'category') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    for (const c of categories) {
      if (!(AUDIT_CATEGORIES as readonly string[]).includes(c)) throw new AppError('E_USAGE', `--category "${c}" is unknown`, { hint: `use one of ${AUDIT_CATEGORIES.join(', ')}` });
    }
    const from = parseTime(flagString(ctx.values, 'from'), 'from');
    const to = parseTime(flagString(ctx.values, 'to'), 'to');
    const config = loadConfig(ctx.dir);
    // Several instances: --log A --log B merges their chains by time (each record names its instance).
    const logs = (ctx.values.log as string[] | undefined) ?? [join(config.paths.logsDir, 'audit.log')];
    const records = logs.flatMap((l) => selectRecords(l, { from, to, categories })).sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
    const text = format === 'csv' ? toCsv(records) : toNdjson(records);
    const output = flagString(ctx.values, 'output');
    if (output) writeFileAtomicSync(output, text, { mode: 0o600 }); else process.stdout.write(text);
    const audit = openAuditLog(config);
    audit.append('EXPORTED', 'audit_exported', { format, records: records.length, from: from?.toISOString(), to: to?.toISOString(), categories, output: output ?? 'stdout' });
    audit.close();
    if (output) ctx.err(`audit export: ${records.length} records written to ${output}`);
    return 0;
  },
};
