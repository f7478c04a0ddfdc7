/**
 * @module Reading a bounded window of a file through the `file view` pager
 * (`options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 189216) :`), never paging
 * blindly through a 190,000-line log: the first N lines (n…), the last N (e, then p…), or a
 * line range reached from the nearer end, with a bound on how many screens may be read.
 */
import { AppError } from '../../lib/errors.ts';
import type { FilePagerPosition } from './cli-output.ts';

export type FileWindow = { first: number } | { last: number } | { from: number; to: number };

export const MAX_WINDOW_LINES = 5000;
/** Screens read for one window at most (each is one round trip to the node). */
export const MAX_SCREENS = 400;

export interface FileWindowResult { lines: string[]; totalLines: number; firstLine: number; lastLine: number }

/** Collects the screens the pager shows and says which key to press next. */
export class FileWindowReader {
  readonly #want: FileWindow;
  #pages = new Map<number, string[]>();
  #total = 0;
  #screens = 0;
  #range: [number, number] | undefined;
  #reachedEnd = false;

  constructor(want: FileWindow) {
    this.#want = want;
  }

  /**
   * One screen: `segment` is what the node printed before the pager line at `pos`. Returns the key
   * to press (`n`, `p`, `e`, or `q` when the window is complete).
   */
  screen(segment: string[], pos: FilePagerPosition): 'n' | 'p' | 'e' | 'q' {
    this.#screens++;
    this.#total = pos.total;
    const count = pos.last - pos.first + 1;
    this.#pages.set(pos.first, segment.slice(-count));
    const [a, b] = this.#range ??= this.#resolve(pos.total, count);
    if (this.#covered(a, b)) return 'q';
    if (this.#screens >= MAX_SCREENS) return 'q';
    // Forward from the start when the window is nearer the start, otherwise back from the end.
    const fromStart = a - 1 <= pos.total - b;
    if (fromStart) return pos.last < b ? 'n' : 'q';
    if (pos.last === pos.total) this.#reachedEnd = true;
    if (!this.#reachedEnd) return 'e';
    return pos.first > a ? 'p' : 'q';
  }

  #resolve(total: number, pageSize: number): [number, number] {
    const w = this.#want;
    let range: [number, number];
    if ('first' in w) range = [1, Math.min(total, w.first)];
    else if ('last' in w) range = [Math.max(1, total - w.last + 1), total];
    else range = [Math.max(1, w.from), Math.min(total, w.to)];
    const [a, b] = range;
    const distance = Math.min(b, total - a + 1);
    if (Math.ceil(distance / pageSize) > MAX_SCREENS) {
      throw new AppError('E_INPUT_INVALID', `Lines ${a}-${b} of this ${total}-line file are ${distance} lines from its nearer end; the file view pager shows ${pageSize} lines per screen and aibridge reads at most ${MAX_SCREENS} screens (${MAX_SCREENS * pageSize} lines) from either end`, {
        hint: 'ask for the first or last lines ("window": {"first": N} or {"last": N}), or narrow down with "file search activelog <path> <regexp>"',
      });
    }
    return range;
  }

  #covered(a: number, b: number): boolean {
    if (a > b) return true;
    for (let n = a; n <= b;) {
      const page = [...this.#pages.entries()].find(([first, lines]) => first <= n && n < first + lines.length);
      if (!page) return false;
      n = page[0] + page[1].length;
    }
    return true;
  }

  /** The window once the pager was left (or the whole text when the file fit one screen). */
  result(wholeText?: string[]): FileWindowResult {
    if (wholeText) {
      const total = wholeText.length;
      this.#range ??= this.#resolve(total, Math.max(1, total));
      const [a, b] = this.#range;
      return { lines: wholeText.slice(a - 1, b), totalLines: total, firstLine: a, lastLine: Math.max(a - 1, b) };
    }
    const [a, b] = this.#range ?? [1, 0];
    const byLine = new Map<number, string>();
    for (const [first, lines] of this.#pages) lines.forEach((l, i) => byLine.set(first + i, l));
    const lines: string[] = [];
    let last = a - 1;
    for (let n = a; n <= b && byLine.has(n); n++) { lines.push(byLine.get(n)!); last = n; }
    return { lines, totalLines: this.#total, firstLine: a, lastLine: last };
  }
}

export function checkFileWindow(w: FileWindow): FileWindow {
  const n = 'first' in w ? w.first : 'last' in w ? w.last : w.to - w.from + 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW_LINES) {
    throw new AppError('E_INPUT_INVALID', `A file view window must be 1 to ${MAX_WINDOW_LINES} lines (asked for ${n})`, { hint: 'ask for fewer lines' });
  }
  return w;
}
