/**
 * @module Paging a list* operation that is too large for one AXL answer: CUCM refuses it with
 * "Query request too large … Suggestive Row Fetch: less than N rows" (AXL-DG read throttle), so
 * the same request is repeated with skip/first windows and the pages are merged.
 */
import { AppError } from '../../lib/errors.ts';
import { reasonClass } from '../upstream-error.ts';
import { xList, xObj } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import type { AxlCall, AxlResult } from './axl-client.ts';

/** Upper bound on rows merged from pages (memory stays bounded). */
export const MAX_PAGED_ROWS = 200_000;

export class AxlTooLargeError extends AppError {
  readonly suggestedRows: number;

  constructor(message: string, suggestedRows: number, node?: string, axlcode?: string) {
    super(reasonClass('too_many_rows').code, message, {
      hint: 'page with skip/first, ask for fewer returnedTags, or narrow searchCriteria', retryable: false,
      upstream: { reason: 'too_many_rows', ...(node ? { node } : {}), ...(axlcode ? { cisco_code: axlcode } : {}) },
    });
    this.suggestedRows = suggestedRows;
  }
}

/** True when the agent pages itself. */
export function hasPaging(args: unknown): boolean {
  const a = xObj(args as XObject);
  return a !== undefined && (a.skip !== undefined || a.first !== undefined);
}

export async function fetchAllPages(once: (c: AxlCall) => Promise<AxlResult>, c: AxlCall, suggestedRows: number): Promise<AxlResult> {
  const size = Math.max(1, Math.floor(suggestedRows * 0.9));
  const merged: XObject = {};
  let skip = 0;
  let pages = 0;
  let version = '';
  for (;;) {
    const r = await once({ ...c, args: { ...(c.args as object), skip: String(skip), first: String(size) } });
    version = r.version;
    pages++;
    let n = 0;
    for (const [k, v] of Object.entries(xObj(r.result) ?? {})) {
      const rows = xList(v);
      n = Math.max(n, rows.length);
      const prev = merged[k];
      merged[k] = prev === undefined ? rows : [...xList(prev), ...rows];
    }
    skip += n;
    c.onProgress?.(skip);
    if (n < size || skip >= MAX_PAGED_ROWS || c.signal?.aborted) break;
  }
  return { version, result: merged, pages };
}
