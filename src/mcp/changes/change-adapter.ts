/**
 * @module How change control reads, verifies and undoes one kind of write. A write tool carries an
 * adapter in `ToolDefinition.change`; a tool that only declares `writes: true` (and the CLI tools)
 * gets IRREVERSIBLE: no before-image, applied by running the tool exactly as approved.
 */
import type { FieldDiff, Image } from '../../changes/change-record.ts';
import type { ToolContext } from '../tool-definition.ts';

/** What the adapter found before anything ran. */
export interface PlannedChange {
  /** The object addressed, already quoted for display, e.g. `Phone "SEP001122334455"`. */
  object: string;
  before: Image | undefined;
  diff: FieldDiff[];
  reversible: boolean;
  irreversibleReason?: string;
  /** What read/verify need later (e.g. the get request, the SELECT); stored in the change. */
  probe?: unknown;
}

/** The parts of a stored change an adapter works with. */
export interface ChangeFacts {
  request: Record<string, unknown>;
  before: Image | undefined;
  after?: Image | undefined;
  diff: FieldDiff[];
  probe?: unknown;
}

export interface Verdict { ok: boolean; after: Image | undefined; reason?: string }

export interface ChangeAdapter {
  plan(args: Record<string, unknown>, ctx: ToolContext): Promise<PlannedChange>;
  /**
   * Read the object again the way the plan did ('apply': stale check; 'revert': the state the
   * change left). Undefined: this kind cannot be read back, so no stale check is possible.
   */
  read?(c: ChangeFacts, phase: 'apply' | 'revert', ctx: ToolContext): Promise<Image | undefined>;
  /** After the request ran (or to reconcile an outcome_unknown): did it take effect? */
  verify?(c: ChangeFacts, ctx: ToolContext): Promise<Verdict>;
  /** Arguments of the same tool that restore the before-image (a new plan). */
  revert?(c: ChangeFacts): Record<string, unknown>;
}

/** For writes nothing can read back (CLI commands, declared writes such as service control). */
export const IRREVERSIBLE: ChangeAdapter = {
  async plan() {
    return { object: '(the node itself)', before: undefined, diff: [], reversible: false, irreversibleReason: 'this kind of write has no before-image that aibridge can read back or restore' };
  },
};

/** Strip AXL attributes (`@uuid`, `@ctiid`) and unwrap `{"#text": x}`, so values compare as the agent wrote them. */
export function plainValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('#text' in o) return o['#text'];
    return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('@')).map(([k, x]) => [k, plainValue(x)]));
  }
  return v === null || v === undefined ? v : String(v);
}

/** Does `actual` hold what `wanted` asks for (every requested key, recursively; leaves as strings)? */
export function holds(actual: unknown, wanted: unknown): boolean {
  const a = plainValue(actual);
  const w = plainValue(wanted);
  if (w && typeof w === 'object' && !Array.isArray(w)) {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return Object.keys(w).length === 0 && (a === '' || a === undefined);
    return Object.entries(w as Record<string, unknown>).every(([k, x]) => holds((a as Record<string, unknown>)[k], x));
  }
  if (Array.isArray(w)) return Array.isArray(a) ? w.length === a.length && w.every((x, i) => holds(a[i], x)) : w.length === 1 && holds(a, w[0]);
  return (a ?? '') === (w ?? '');
}
