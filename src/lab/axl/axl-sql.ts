/** @module executeSQLQuery / executeSQLUpdate answers: `<row><column>value</column>…</row>` and rowsUpdated. */
import type { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import type { LabData } from '../lab-data.ts';
import { runQuery, runUpdate } from '../sql/sql-exec.ts';
import { SqlError } from '../sql/sql-parse.ts';
import { AxlFault } from './soap.ts';

type Writer = { write(w: XmlWriter, name: string, attrs: Record<string, string>): void; rows?: number };

function sqlFault(err: unknown): AxlFault {
  if (err instanceof SqlError) return new AxlFault(err.message, { axlcode: err.code });
  throw err;
}

export function writeSqlQuery(data: LabData, sql: string): Writer {
  let result;
  try { result = runQuery(sql, data); } catch (err) { throw sqlFault(err); }
  const { columns, rows } = result;
  const names = columns.map((c) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(c) ? c.toLowerCase() : 'expression'));
  return {
    rows: rows.length,
    write(w, name, attrs) {
      w.open(name, attrs).open('return');
      for (const r of rows) {
        w.open('row');
        for (let i = 0; i < names.length; i++) w.leaf(names[i]!, r[i] ?? '');
        w.close();
      }
      w.close().close();
    },
  };
}

export function writeSqlUpdate(data: LabData, sql: string): Writer {
  let n: number;
  try { n = runUpdate(sql, data); } catch (err) { throw sqlFault(err); }
  return { write(w, name, attrs) { w.open(name, attrs).open('return').leaf('rowsUpdated', String(n)).close().close(); } };
}
