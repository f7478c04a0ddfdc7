/** @module The files of one audit chain, oldest first: audit.log.N.gz … audit.log.1.gz, audit.log. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface AuditFile { path: string; lines: string[]; endsWithNewline: boolean }

/** Paths of the chain's files, oldest first. */
export function listAuditFiles(logPath: string): string[] {
  const dir = dirname(logPath);
  const base = basename(logPath);
  const gens: number[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      // eslint-disable-next-line security/detect-non-literal-regexp -- built from the fixed audit log file name, its dots escaped
      const m = new RegExp(`^${base.replace(/\./g, '\\.')}\\.(\\d+)\\.gz$`).exec(name);
      if (m) gens.push(Number(m[1]));
    }
  }
  gens.sort((a, b) => b - a);
  const files = gens.map((n) => join(dir, `${base}.${n}.gz`));
  if (existsSync(logPath)) files.push(logPath);
  return files;
}

/** Read one file's lines (gunzipping archives). */
export function readAuditFile(path: string): AuditFile {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { path, lines, endsWithNewline };
}
