/**
 * @module Report file names. Rule: a report is addressed by its bare file name only — one path
 * segment of [A-Za-z0-9._-], not starting with a dot, no "..", at most 120 characters, ending in
 * .md (or .pdf for an export). Anything else (separators, traversal, NUL, control or non-ASCII
 * characters, absolute paths, URL-encoding) is refused before any file system call.
 */
import { AppError } from '../lib/errors.ts';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,115}\.(md|pdf)$/;
const CLIENT_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

function refuse(what: string, value: string, hint: string): AppError {
  const shown = JSON.stringify(value.slice(0, 80)).replace(/[^\x20-\x7e]/g, '?');
  return new AppError('E_INPUT_INVALID', `Invalid report name ${shown}: ${what}`, { hint });
}

/** The Markdown file name for `report` ("x", "x.md" or "x.pdf" all name x.md). */
export function checkReportName(report: string): string {
  const base = report.endsWith('.md') || report.endsWith('.pdf') ? report : `${report}.md`;
  if (!NAME_RE.test(base) || base.includes('..')) {
    throw refuse('use the bare file name that reports_list shows (letters, digits, ".", "_", "-"; no folders)', report, 'call reports_list to see your reports');
  }
  return base.replace(/\.pdf$/, '.md');
}

/** The PDF exported beside a Markdown report. */
export function pdfNameOf(markdownName: string): string {
  return markdownName.replace(/\.md$/, '.pdf');
}

/** Client names come from the verified token, but are checked again before becoming a folder. */
export function checkClientName(client: string): string {
  if (!CLIENT_RE.test(client)) throw new AppError('E_FORBIDDEN', 'This client name cannot own reports', { hint: 'client names are letters, digits, "_" and "-"' });
  return client;
}

/** `20261201-143005-cluster-health-lab-cucm.md`: sortable, unique per second, readable. */
export function newReportName(title: string, now: Date): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'report';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${slug}.md`;
}
