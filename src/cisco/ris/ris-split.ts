/**
 * @module Reading a RIS selection larger than one answer. RisPort70 answers at most 1000 device
 * items per request, and its StateInfo is change-tracking state (a node whose devices did not
 * change since the StateInfo sent answers NoChange and lists nothing), not a page cursor. So a
 * selection that fills an answer is split into narrower selections, as Cisco recommends: each
 * wildcard item becomes name ranges (`SEP*` → `SEP`, `SEP0*` … `SEPF*` …), and a list of items is
 * cut into groups. Devices reported by several nodes are kept once (newest TimeStamp).
 *
 * The split is guided by what the capped answer showed (which ranges its devices fell into) and by
 * StateInfo's TotalItemsFound when present, so a 5,000-device cluster costs a handful of requests,
 * not one per range. Every request spends the per-node RIS budget; when it or the node's own
 * throttle stops the reading, what was read is returned with a cursor to go on later.
 */
import { AppError } from '../../lib/errors.ts';
import { checkRisItems, RIS_MAX_PER_REQUEST } from './ris-request.ts';
import type { RisQuery } from './ris-request.ts';
import type { RisAnswer, RisDevice } from './ris-answer.ts';

/** Aim each request at this share of the cap, so duplicates and estimation errors still fit. */
const FILL = 0.8;
const MAX_UNITS = 4000;
const MAX_ITEM = 128;

/**
 * Characters that may follow a prefix, per SelectBy, for name ranges. RIS matches names without
 * regard to case. Description and SIPStatus are free text: they are not split (an answer that fills
 * the cap is then reported as such, with the advice to narrow by name or model). In code order, so
 * ranges come out in name order.
 */
const ALPHABETS: Partial<Record<RisQuery['selectBy'], string>> = {
  Name: '-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_',
  DirNumber: '+0123456789',
  IPV4Address: '.0123456789',
  IPV6Address: '.0123456789:ABCDEF',
};

export type RisSelection = Omit<RisQuery, 'max' | 'stateInfo' | 'items'> & { items: string[] };

/** A selection still to read; `after`: devices up to this name (in name order) were already returned. */
export interface RisChunk { items: string[]; after?: string }

export interface CollectOptions {
  /** Devices to return (0: return none, read the whole selection for the summary). */
  want: number;
  maxRequests: number;
  /** Where an earlier call stopped; default: the whole selection. */
  pending?: RisChunk[];
  signal?: AbortSignal;
}

export interface CollectResult {
  /** Devices returned in name order (at most `want`). */
  devices: RisDevice[];
  /** Every distinct device read by this call (the summary's base). */
  read: RisDevice[];
  requests: number;
  complete: boolean;
  stoppedBy?: 'page_full' | 'request_budget' | 'rate_limit';
  rateLimitHint?: string;
  /** What is left to read, in order (empty when complete). */
  pending: RisChunk[];
  /** Selections that still filled the cap but cannot be narrowed further by name. */
  capped: string[][];
  nodeCodes: Record<string, string>;
  mergedDuplicates: number;
}

export type RisSelect = (query: RisQuery) => Promise<RisAnswer>;

function wildcard(item: string): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- item passed checkRisItems (no regex metacharacters but . + which are escaped here)
  return new RegExp(`^${item.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

/** One level narrower: the first `*` matches nothing, or one alphabet character then anything. */
export function narrowItem(item: string, alphabet: string): string[] | undefined {
  const it = item.replace(/\*+/g, '*');
  const i = it.indexOf('*');
  if (i < 0 || it.length + 1 > MAX_ITEM) return undefined;
  const head = it.slice(0, i);
  const tail = it.slice(i + 1);
  const out = [...alphabet].map((c) => `${head}${c}*${tail}`);
  const none = head + tail;
  return none === '' ? out : [none, ...out];
}

/** True when every device `child` can select, `parent` selects too (children come from narrowItem). */
export function refines(child: string, parent: string): boolean {
  return wildcard(parent).test(child);
}

/** A range and the sampled names it holds (a child's names are among its parent's). */
interface Unit { item: string; names: string[] }

/**
 * Narrower groups for a chunk whose answer filled the cap, or undefined when it cannot be narrowed
 * (one item without a wildcard, or a free-text SelectBy). `seen`: the names that answer held;
 * `estimate`: how many devices the chunk probably selects; `ordered`: the answer came in name order.
 */
export function splitChunk(items: string[], selectBy: RisQuery['selectBy'], seen: string[], estimate: number, ordered = false): string[][] | undefined {
  const alphabet = ALPHABETS[selectBy];
  const target = Math.floor(RIS_MAX_PER_REQUEST * FILL);
  const within = (item: string, names: string[]): string[] => { const re = wildcard(item); return names.filter((n) => re.test(n)); };
  // The capped answer is a sample of the selection. In name order it is the selection's start, so
  // its counts are exact for the ranges it covers; otherwise each range is weighed by its share of
  // the sample. Ranges the sample did not reach weigh nothing and travel together; if they hold
  // much, that request fills the cap in turn and is narrowed with its own sample.
  const scale = ordered ? 1 : Math.max(1, estimate / Math.max(1, seen.length));
  const units: Unit[] = items.map((item) => ({ item, names: within(item, seen) }));
  const weight = (u: Unit): number => u.names.length * scale;
  // Narrow every heavy item until each range is expected to fit (or cannot be narrowed).
  for (let guard = 0; alphabet && guard < MAX_UNITS; guard++) {
    const at = units.findIndex((u) => weight(u) >= target && narrowItem(u.item, alphabet) !== undefined);
    if (at < 0) break;
    const heavy = units[at]!;
    const kids = narrowItem(heavy.item, alphabet)!;
    if (units.length + kids.length > MAX_UNITS) break;
    units.splice(at, 1, ...kids.map((item) => ({ item, names: within(item, heavy.names) })));
  }
  const groups: string[][] = [];
  let cur: string[] = [];
  let sum = 0;
  for (const u of units) {
    const w = weight(u);
    if (cur.length > 0 && (sum + w > target || cur.length >= RIS_MAX_PER_REQUEST)) { groups.push(cur); cur = []; sum = 0; }
    cur.push(u.item);
    sum += w;
  }
  if (cur.length > 0) groups.push(cur);
  if (groups.length <= 1) {
    // Nothing was narrowed and everything fits one group by the estimate: halve a list of items.
    if (items.length < 2) return undefined;
    const half = Math.ceil(items.length / 2);
    return [items.slice(0, half), items.slice(half)];
  }
  return groups;
}

const byName = (a: RisDevice, b: RisDevice): number => { const x = a.name.toUpperCase(); const y = b.name.toUpperCase(); return x < y ? -1 : x > y ? 1 : 0; };

/** Read `sel` with as many requests as it takes (within `opts.maxRequests`), narrowing capped answers. */
export async function collectRisDevices(select: RisSelect, sel: RisSelection, opts: CollectOptions): Promise<CollectResult> {
  const queue: RisChunk[] = (opts.pending ?? [{ items: sel.items.length ? sel.items : ['*'] }]).map((c) => ({ ...c, items: [...c.items] }));
  const read = new Map<string, RisDevice>();
  const devices: RisDevice[] = [];
  const capped: string[][] = [];
  const nodeCodes: Record<string, string> = {};
  let requests = 0;
  let merged = 0;
  let stoppedBy: CollectResult['stoppedBy'];
  let rateLimitHint: string | undefined;
  while (queue.length > 0) {
    if (opts.want > 0 && devices.length >= opts.want) { stoppedBy = 'page_full'; break; }
    if (requests >= opts.maxRequests) { stoppedBy = 'request_budget'; break; }
    opts.signal?.throwIfAborted();
    const chunk = queue[0]!;
    let r: RisAnswer;
    try {
      r = await select({ ...sel, items: chunk.items, max: RIS_MAX_PER_REQUEST });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'E_RATE_LIMITED' || err.code === 'E_CISCO_THROTTLED') && requests > 0) { stoppedBy = 'rate_limit'; rateLimitHint = err.hint; break; }
      throw err;
    }
    requests++;
    for (const [n, c] of Object.entries(r.nodeCodes)) if (nodeCodes[n] !== 'Ok') nodeCodes[n] = c;
    if (r.entries >= RIS_MAX_PER_REQUEST) {
      const parts = splitChunk(chunk.items, sel.selectBy, r.devices.map((d) => d.name), Math.max(r.itemsFound ?? 0, r.entries * 2), r.ordered);
      if (parts) { queue.splice(0, 1, ...parts.map((items) => ({ items, ...(chunk.after !== undefined ? { after: chunk.after } : {}) }))); continue; }
      capped.push(chunk.items);
    }
    merged += r.duplicates;
    const after = chunk.after?.toUpperCase();
    const fresh = r.devices.filter((d) => (after === undefined || d.name.toUpperCase() > after) && !read.has(d.name.toUpperCase())).sort(byName);
    for (const d of fresh) read.set(d.name.toUpperCase(), d);
    const room = opts.want - devices.length;
    if (opts.want > 0 && fresh.length > room) {
      devices.push(...fresh.slice(0, room));
      chunk.after = devices.at(-1)?.name ?? chunk.after;
      stoppedBy = 'page_full';
      break;
    }
    if (opts.want > 0) devices.push(...fresh);
    queue.shift();
  }
  return {
    devices, read: [...read.values()], requests, complete: queue.length === 0, ...(stoppedBy ? { stoppedBy } : {}), ...(rateLimitHint ? { rateLimitHint } : {}),
    pending: queue, capped, nodeCodes, mergedDuplicates: merged,
  };
}

/** Checks a cursor's chunks against the selection it claims to continue: every item must narrow one of `names`. */
export function checkPending(pending: RisChunk[], names: string[]): void {
  const roots = names.length ? names : ['*'];
  for (const c of pending) {
    checkRisItems(c.items);
    if (c.items.length === 0) throw new AppError('E_INPUT_INVALID', 'The cursor holds an empty selection', { hint: 'start again without a cursor' });
    if (c.after !== undefined) checkRisItems([c.after]);
    for (const it of c.items) {
      if (!roots.some((r) => refines(it, r))) throw new AppError('E_INPUT_INVALID', `The cursor does not continue this selection ("${it.slice(0, 60)}" is outside "names")`, { hint: 'pass the same names, select_by, status, model and device_class as the call that returned the cursor' });
    }
  }
}
