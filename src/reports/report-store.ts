/**
 * @module Reports per client in `clients/<name>/reports/` (folder 0700, files 0600): Markdown and
 * the PDF exported beside it. Every write is atomic (temp, fsync, rename, fsync folder), so a
 * kill -9 or two concurrent exports leave one whole file. A client only ever addresses its own
 * folder: names are checked by report-name.ts and paths confined to that folder; symlinks are
 * not followed. WRITTEN and EXPORTED audit events record every new file.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { checkClientName, checkReportName, newReportName, pdfNameOf } from './report-name.ts';

/** Markdown a report may hold (the PDF renderer paginates anything up to this). */
export const MAX_REPORT_BYTES = 4 * 1024 * 1024;

export interface ReportAudit {
  append(category: 'WRITTEN' | 'EXPORTED', event: string, fields: Record<string, unknown>): unknown;
}

export interface ReportInfo {
  name: string;
  title: string;
  bytes: number;
  modified: string;
  /** PDF exported beside it, if any. */
  pdf?: string;
}

export interface WrittenReport { name: string; path: string; bytes: number; sha256: string }

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** First "# Title" line of a report (or its name). */
export function titleOf(markdown: string, fallback: string): string {
  const m = /^#\s+(.+)$/m.exec(markdown.slice(0, 4096));
  return (m?.[1] ?? fallback).trim().slice(0, 200);
}

export class ReportStore {
  readonly #clientsDir: string;
  readonly #audit: ReportAudit;
  readonly #now: () => Date;

  constructor(clientsDir: string, audit: ReportAudit, now: () => Date = () => new Date()) {
    this.#clientsDir = clientsDir;
    this.#audit = audit;
    this.#now = now;
  }

  dirOf(client: string): string {
    return join(this.#clientsDir, checkClientName(client), 'reports');
  }

  /** The path shown to agents and operators, relative to the install folder. */
  displayPath(client: string, name: string): string {
    return `clients/${checkClientName(client)}/reports/${name}`;
  }

  /** Store a new Markdown report under a fresh name; never overwrites another report. */
  async write(client: string, title: string, markdown: string, kind: string): Promise<WrittenReport> {
    const bytes = Buffer.byteLength(markdown, 'utf8');
    if (bytes > MAX_REPORT_BYTES) {
      throw new AppError('E_INPUT_INVALID', `Report is ${bytes} bytes; the limit is ${MAX_REPORT_BYTES} bytes`, { hint: 'split it into several reports' });
    }
    const dir = this.dirOf(client);
    let name = newReportName(title, this.#now());
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    for (let i = 2; await this.#exists(join(dir, name)); i++) name = name.replace(/(-\d+)?\.md$/, `-${i}.md`);
    await writeFileAtomic(join(dir, name), markdown, { mode: 0o600, dirMode: 0o700 });
    const digest = sha256(markdown);
    this.#audit.append('WRITTEN', 'report_written', { client, report: name, kind, bytes, sha256: digest });
    return { name, path: this.displayPath(client, name), bytes, sha256: digest };
  }

  async list(client: string): Promise<ReportInfo[]> {
    const dir = this.dirOf(client);
    let names: string[];
    try { names = await readdir(dir); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const set = new Set(names);
    const out: Array<ReportInfo & { mtimeMs: number }> = [];
    for (const n of names) {
      let name: string;
      try { name = checkReportName(n); } catch { continue; }
      if (name !== n) continue;
      const st = await lstat(join(dir, n)).catch(() => undefined);
      if (!st?.isFile()) continue;
      const head = await this.#readHead(join(dir, n)).catch(() => '');
      const pdf = pdfNameOf(n);
      out.push({ name: n, title: titleOf(head, n), bytes: st.size, modified: st.mtime.toISOString(), mtimeMs: st.mtimeMs, ...(set.has(pdf) ? { pdf } : {}) });
    }
    // Newest first (names carry the second; mtime orders reports written within one second).
    return out.sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name)).map(({ mtimeMs: _m, ...r }) => r);
  }

  /** Markdown text of one of the client's reports. */
  async read(client: string, report: string): Promise<{ name: string; markdown: string }> {
    const name = checkReportName(report);
    return { name, markdown: await this.#readFile(this.#fileOf(client, name), MAX_REPORT_BYTES) };
  }

  /** Bytes of the PDF exported from one of the client's reports. */
  async readPdf(client: string, report: string): Promise<{ name: string; pdf: Buffer }> {
    const name = pdfNameOf(checkReportName(report));
    return { name, pdf: await this.#readBytes(this.#fileOf(client, name), 256 * 1024 * 1024) };
  }

  /** Write the PDF beside its Markdown report (atomically: concurrent exports never interleave). */
  async writePdf(client: string, report: string, pdf: Uint8Array, pages: number): Promise<WrittenReport> {
    const md = checkReportName(report);
    const name = pdfNameOf(md);
    await writeFileAtomic(this.#fileOf(client, name), pdf, { mode: 0o600, dirMode: 0o700 });
    const digest = sha256(pdf);
    this.#audit.append('EXPORTED', 'report_exported', { client, report: md, pdf: name, pages, bytes: pdf.length, sha256: digest });
    return { name, path: this.displayPath(client, name), bytes: pdf.length, sha256: digest };
  }

  #fileOf(client: string, name: string): string {
    return join(this.dirOf(client), name);
  }

  async #exists(path: string): Promise<boolean> {
    return lstat(path).then(() => true, () => false);
  }

  async #readBytes(path: string, max: number): Promise<Buffer> {
    let fh;
    try {
      // O_NOFOLLOW: a symlink planted in the folder is not a way out of it.
      fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') throw new AppError('E_NOT_FOUND', `No report "${path.split('/').pop()}" for this client`, { hint: 'call reports_list to see your reports (export a PDF first with report_export_pdf)' });
      throw err;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new AppError('E_NOT_FOUND', 'Not a report file', { hint: 'call reports_list' });
      if (st.size > max) throw new AppError('E_INPUT_INVALID', `Report file is ${st.size} bytes; the limit is ${max}`, { hint: 'split the report' });
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  async #readFile(path: string, max: number): Promise<string> {
    return (await this.#readBytes(path, max)).toString('utf8');
  }

  async #readHead(path: string): Promise<string> {
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  }
}
