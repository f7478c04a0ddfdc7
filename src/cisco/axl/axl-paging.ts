/**
 * @module Paging a list* operation that is too large for one AXL answer: CUCM refuses it with
 * "Query request too large … Suggestive Row Fetch: less than N rows" (AXL-DG read throttle), so
 * the same request is repeated with skip/first windows and the pages are merged.
 * Bounded three ways, and the answer says which bound stopped it and how to continue:
 * - a suggestion below MIN_PAGE_ROWS is not paged at all (rows that large are a request to ask
 *   for fewer returnedTags, not for hundreds of requests);
 * - the time budget (`budgetMs`, the product's AXL timeout) is checked after every page;
 * - MAX_PAGED_ROWS rows at most.
 */
import { AppError } from '../../lib/errors.ts';
import { reasonClass } from '../upstream-error.ts';
import { xList, xObj } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import type { AxlCall, AxlResult } from './axl-client.ts';

/** Upper bound on rows merged from pages (memory stays bounded). */
export const MAX_PAGED_ROWS = 200_000;
/** Below this suggested page size, paging is refused: ask for fewer returnedTags instead. */
export const MIN_PAGE_ROWS = 25;

/** How a paged answer ended; `next_skip` is where to continue when it is not complete. */
export interface PagingOutcome {
  complete: boolean;
  rows: number;
  page_size: number;
  next_skip?: number;
  stopped_by?: 'time_budget' | 'row_cap' | 'cancelled';
}

export class AxlTooLargeError extends AppError {
  readonly suggestedRows: number;

  constructor(message: string, suggestedRows: number, node?: string, axlcode?: string, hint = 'page with skip/first, ask for fewer returnedTags, or narrow searchCriteria') {
    super(reasonClass('too_many_rows').code, message, {
      hint, retryable: false,
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

export interface PagingLimits { budgetMs: number; now?: () => number }

export async function fetchAllPages(once: (c: AxlCall) => Promise<AxlResult>, c: AxlCall, tooLarge: AxlTooLargeError, limits: PagingLimits): Promise<AxlResult> {
  const suggestedRows = tooLarge.suggestedRows;
  if (suggestedRows < MIN_PAGE_ROWS) {
    throw new AxlTooLargeError(`${tooLarge.message}; aibridge does not page automatically below ${MIN_PAGE_ROWS} rows a page`, suggestedRows, tooLarge.upstream?.node, tooLarge.upstream?.cisco_code,
      'each row is large: ask for fewer returnedTags (only the fields you need) or narrow searchCriteria; or page yourself with skip/first');
  }
  const now = limits.now ?? Date.now;
  const started = now();
  const size = Math.max(1, Math.floor(suggestedRows * 0.9));
  const merged: XObject = {};
  let skip = 0;
  let pages = 0;
  let version = '';
  let stopped: PagingOutcome['stopped_by'];
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
    if (n < size) break;
    if (skip >= MAX_PAGED_ROWS) { stopped = 'row_cap'; break; }
    if (c.signal?.aborted) { stopped = 'cancelled'; break; }
    if (now() - started >= limits.budgetMs) { stopped = 'time_budget'; break; }
  }
  const paging: PagingOutcome = stopped ? { complete: false, rows: skip, page_size: size, next_skip: skip, stopped_by: stopped } : { complete: true, rows: skip, page_size: size };
  return { version, result: merged, pages, paging };
}
