import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.ts';
import type { RisAnswer, RisDevice } from './ris-answer.ts';
import type { RisQuery } from './ris-request.ts';
import { checkPending, collectRisDevices, narrowItem, refines, splitChunk } from './ris-split.ts';
import type { RisSelection } from './ris-split.ts';
import { modelCode, modelName, statusReason } from './ris-codes.ts';

const dev = (name: string, cmNode = 'cm1', timeStamp = 1): RisDevice => ({
  name, cmNode, status: 'Registered', statusReason: '0', deviceClass: 'Phone', model: '36224', product: '36224', protocol: 'SIP', dirNumber: '', description: '', ip: '', activeLoad: '', timeStamp,
});

/** A RIS that answers like CUCM: at most 1000 items in name order, a moved device under two nodes, TotalItemsFound optional. */
function fakeRis(names: string[], opts: { moved?: Set<string>; itemsFound?: boolean; throttleAfter?: number } = {}): { select: (q: RisQuery) => Promise<RisAnswer>; queries: RisQuery[] } {
  const queries: RisQuery[] = [];
  const sorted = [...names].sort();
  const select = async (q: RisQuery): Promise<RisAnswer> => {
    if (opts.throttleAfter !== undefined && queries.length >= opts.throttleAfter) throw new AppError(queries.length % 2 ? 'E_CISCO_THROTTLED' : 'E_RATE_LIMITED', 'RIS throttles', { hint: 'retry in 40 s' });
    queries.push(q);
    const re = new RegExp(`^(?:${q.items.map((i) => i.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`, 'i');
    const entries: RisDevice[] = [];
    for (const n of sorted) {
      if (!re.test(n)) continue;
      entries.push(dev(n, 'cm1', 10));
      if (opts.moved?.has(n)) entries.push(dev(n, 'cm2', 5));
    }
    const page = entries.slice(0, Math.min(q.max, 1000));
    const merged = new Map<string, RisDevice>();
    for (const d of page) { const p = merged.get(d.name); if (!p || d.timeStamp > p.timeStamp) merged.set(d.name, d); }
    return {
      total: merged.size, devices: [...merged.values()], stateInfo: '', nodeCodes: { cm1: 'Ok' }, duplicates: page.length - merged.size, entries: page.length, unchangedNodes: [], ordered: true,
      ...(opts.itemsFound ? { itemsFound: entries.length } : {}),
    };
  };
  return { select, queries };
}

const hex = (i: number): string => `SEP${i.toString(16).toUpperCase().padStart(12, '0')}`;
const phones = (n: number, spread = 1): string[] => Array.from({ length: n }, (_, i) => hex(i * spread));
const SEL: RisSelection = { items: ['*'], selectBy: 'Name', deviceClass: 'Phone', status: 'Any', model: 255 };

test('narrowItem() turns the first * into "nothing" plus one character each; refines() holds for every child', () => {
  assert.deepEqual(narrowItem('SEP*', 'AB'), ['SEP', 'SEPA*', 'SEPB*']);
  assert.deepEqual(narrowItem('*', 'AB'), ['A*', 'B*']);
  assert.deepEqual(narrowItem('*10**', '01'), ['10*', '0*10*', '1*10*']);
  assert.equal(narrowItem('SEP001122334455', 'AB'), undefined);
  for (const k of narrowItem('SEP0*', '0123456789ABCDEF')!) assert.ok(refines(k, 'SEP0*') && refines(k, '*') && !refines(k, 'SEP1*'), k);
});

test('splitChunk() narrows heavy ranges and packs light ones together; a single exact name cannot be split', () => {
  const seen = phones(1000);
  const parts = splitChunk(['*'], 'Name', seen, 3000)!;
  assert.ok(parts.length >= 4 && parts.length <= 8, `${parts.length} groups`);
  assert.ok(parts.flat().every((i) => refines(i, '*')));
  assert.equal(splitChunk(['SEP001122334455'], 'Name', ['SEP001122334455'], 1000), undefined);
  assert.equal(splitChunk(['*printer*'], 'Description', seen, 3000), undefined, 'free text is not split by name');
  assert.deepEqual(splitChunk(['A', 'B', 'C'], 'Description', [], 1000), [['A', 'B'], ['C']], 'a list is halved');
});

test('collectRisDevices() reads 4,500 devices past the 1000 cap in a few requests, each device once, duplicates merged', async () => {
  const all = phones(4500, 7);
  const moved = new Set(all.filter((_, i) => i % 16 === 0));
  const ris = fakeRis(all, { moved, itemsFound: true });
  const r = await collectRisDevices(ris.select, SEL, { want: 0, maxRequests: 30 });
  assert.equal(r.complete, true);
  assert.equal(r.read.length, 4500);
  assert.equal(new Set(r.read.map((d) => d.name)).size, 4500);
  assert.ok(r.read.every((d) => d.cmNode === 'cm1'), 'the newest entry of a moved device wins');
  assert.ok(r.requests <= 16, `${r.requests} requests`);
  assert.ok(ris.queries.every((q) => q.max === 1000 && q.items.every((i) => refines(i, '*'))));
  assert.deepEqual(r.capped, []);
  // Without TotalItemsFound the estimate is cruder but the answer is the same.
  const blind = await collectRisDevices(fakeRis(all, { moved }).select, SEL, { want: 0, maxRequests: 40 });
  assert.equal(blind.read.length, 4500);
  assert.ok(blind.requests <= 20, `${blind.requests} requests without TotalItemsFound`);
});

test('collectRisDevices() pages in name order: a cursor (pending chunks) resumes exactly where the page stopped', async () => {
  const all = phones(2300, 3);
  const ris = fakeRis(all, { itemsFound: true });
  const got: string[] = [];
  let pending;
  for (let page = 0; page < 10; page++) {
    const r = await collectRisDevices(ris.select, SEL, { want: 700, maxRequests: 10, ...(pending ? { pending } : {}) });
    got.push(...r.devices.map((d) => d.name));
    if (r.complete) break;
    assert.equal(r.devices.length, 700);
    assert.equal(r.stoppedBy, 'page_full');
    checkPending(r.pending, ['*']);
    pending = r.pending;
  }
  assert.equal(got.length, 2300);
  assert.deepEqual([...got].sort(), [...all].sort());
  assert.equal(new Set(got).size, 2300);
});

test('collectRisDevices() stops on the request budget or the RIS throttle with what it read, and says what is left', async () => {
  const all = phones(3000, 5);
  const budget = await collectRisDevices(fakeRis(all, { itemsFound: true }).select, SEL, { want: 0, maxRequests: 2 });
  assert.equal(budget.complete, false);
  assert.equal(budget.stoppedBy, 'request_budget');
  assert.ok(budget.pending.length > 0);
  const throttled = await collectRisDevices(fakeRis(all, { itemsFound: true, throttleAfter: 3 }).select, SEL, { want: 0, maxRequests: 30 });
  assert.equal(throttled.stoppedBy, 'rate_limit');
  assert.equal(throttled.rateLimitHint, 'retry in 40 s');
  const rest = await collectRisDevices(fakeRis(all, { itemsFound: true }).select, SEL, { want: 0, maxRequests: 30, pending: throttled.pending });
  assert.equal(new Set([...throttled.read, ...rest.read].map((d) => d.name)).size, 3000);
  // The very first request throttled is an error, not an empty answer.
  await assert.rejects(collectRisDevices(fakeRis(all, { throttleAfter: 0 }).select, SEL, { want: 0, maxRequests: 5 }), (e: unknown) => e instanceof AppError && e.code === 'E_RATE_LIMITED');
});

test('checkPending() refuses a cursor that widens the selection or carries injection', () => {
  assert.doesNotThrow(() => checkPending([{ items: ['SEP00*', 'SEP00'], after: 'SEP0012' }], ['SEP*']));
  for (const bad of [[{ items: ['*'] }], [{ items: ['ATA*'] }], [{ items: ['SEP</Item>*'] }], [{ items: [] }], [{ items: ['SEP1*'], after: 'x y' }]]) {
    assert.throws(() => checkPending(bad, ['SEP*']), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID', JSON.stringify(bad));
  }
});

test('RIS codes decode to names; unknown codes get none', () => {
  assert.equal(modelName('36224'), 'Cisco 8845');
  assert.equal(modelName(683), 'Cisco 8841');
  assert.equal(modelName('99999'), undefined);
  assert.equal(modelName('abc'), undefined);
  assert.equal(modelCode('cisco 8845'), 36224);
  assert.equal(statusReason('13')?.name, 'KeepAliveTimeout');
  assert.match(statusReason(16)!.meaning, /same name/);
  assert.equal(statusReason('7'), undefined);
});
