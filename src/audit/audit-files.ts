/** @module The files of one audit chain, oldest first: audit.log.N.gz … audit.log.1.gz, audit.log. */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';

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

/** Bytes read from the start of a file by `leadingLines`. */
const LEADING_BYTES = 64 * 1024;

/**
 * The complete lines at the start of one file (an archive gunzipped only as far as that), at
 * least one when the file has one: what a look at a chain's first record needs, without reading
 * a whole 5 MB archive. A file that small is read whole (readAuditFile).
 */
export function leadingLines(path: string): string[] {
  const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  let head: Buffer;
  try {
    if (fstatSync(fd).size <= LEADING_BYTES) return readAuditFile(path).lines;
    head = Buffer.alloc(LEADING_BYTES);
    head = head.subarray(0, readSync(fd, head, 0, LEADING_BYTES, 0));
  } finally { closeSync(fd); }
  const text = (path.endsWith('.gz') ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head).toString('utf8');
  const end = text.lastIndexOf('\n');
  // No complete line in the first bytes (a record longer than that): read the file.
  return end < 0 ? readAuditFile(path).lines : text.slice(0, end).split('\n');
}
