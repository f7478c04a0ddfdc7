/**
 * cucm_ris_devices against a lab with more phones than one RIS answer holds (1000 device items):
 * the selection is read in name ranges, each phone once, with decoded codes, ISO times and a
 * summary; a page stops with a cursor that continues exactly; StateInfo is never replayed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningLab } from '../../lab/start-lab.ts';
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { outputProblems } from '../pipeline/output-schema.ts';
import { aliceContext, installOverLab, runTool, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

const PHONES = 1800;
let harness: LabTools;
let lab: RunningLab;
let ris: ToolDefinition;
let root: string;

before(async () => {
  // The node allows 60 RIS requests a minute and aibridge is told so (its default budget is CUCM's 15).
  harness = await startLabTools({ seed: 5, phones: PHONES, faults: 'ris:rate:60', prefix: 'ris', extraEnv: '\nSERVER_CUCM_RIS_PER_MINUTE=60\n' });
  ({ lab, root } = harness);
  ris = harness.tools.get('cucm_ris_devices')!;
});
after(async () => { await harness.close(); });

const ctx = aliceContext();
async function call(args: Record<string, unknown>, tool = ris): Promise<any> {
  const r = await runTool(tool, args, ctx);
  assert.equal(outputProblems(ris, r.structuredContent), undefined, 'structuredContent fits the outputSchema');
  return r.structuredContent;
}

test('the whole cluster in one call: every registered phone once, past the 1000 cap, with a summary per status', async () => {
  const phones = [...lab.data.registrations.keys()];
  const r = await call({ node: 'lab-cucm', names: ['*'], max: 0, max_requests: 12 });
  assert.equal(r.complete, true, JSON.stringify({ ...r, data: undefined }));
  assert.equal(r.total_found, phones.length);
  assert.ok(r.requests > 1 && r.requests <= 12, `${r.requests} requests`);
  assert.ok(r.merged_duplicates > 0, 'moved phones reported by two nodes are merged');
  const byStatus = r.summary.by_status as Record<string, number>;
  const want: Record<string, number> = {};
  for (const reg of lab.data.registrations.values()) want[reg.status] = (want[reg.status] ?? 0) + 1;
  assert.deepEqual(byStatus, want);
  assert.equal(Object.values(r.summary.by_node as Record<string, number>).reduce((a, b) => a + b, 0), phones.length);
  assert.equal(r.returned, 0);
  assert.equal(r.cursor, undefined);
});

test('pages of 1000 with a cursor: no phone twice, none missing; codes decoded, times ISO', async () => {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await call({ node: 'lab-cucm', names: ['SEP*'], max: 1000, ...(cursor ? { cursor } : {}) });
    seen.push(...(r.data as { name: string }[]).map((d) => d.name));
    if (pages === 0) {
      const d = (r.data as Record<string, unknown>[])[0]!;
      assert.match(String(d.timeStamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(String(d.modelName), /^Cisco \d{4}/);
      assert.equal(d.productName, d.modelName);
      assert.ok(d.statusReasonName, 'status reason decoded');
      const down = (r.data as Record<string, unknown>[]).find((x) => x.status !== 'Registered');
      if (down) assert.ok(typeof down.statusReasonMeaning === 'string');
    }
    cursor = r.complete ? undefined : r.cursor;
    pages++;
  } while (cursor && pages < 6);
  assert.equal(cursor, undefined, 'the selection was read to its end');
  assert.equal(seen.length, lab.data.registrations.size);
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual([...seen].sort(), seen, 'name order across pages');
});

test('a cursor is refused for another selection or when it widens the names', async () => {
  const r = await call({ node: 'lab-cucm', names: ['SEP*'], max: 5 });
  assert.equal(r.complete, false);
  await assert.rejects(call({ node: 'lab-cucm', names: ['SEP*'], status: 'Registered', max: 5, cursor: r.cursor }), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID' && /another selection/.test(e.message));
  const forged = Buffer.from(JSON.stringify({ v: 1, k: JSON.parse(Buffer.from(r.cursor, 'base64url').toString()).k, p: [{ items: ['*'] }] })).toString('base64url');
  await assert.rejects(call({ node: 'lab-cucm', names: ['SEP*'], max: 5, cursor: forged }), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID' && /outside "names"/.test(e.message));
  await assert.rejects(call({ node: 'lab-cucm', names: ['SEP*'], max: 5, cursor: 'not-a-cursor' }), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID');
});

test('a model given by name selects by its code; an unknown model name is refused', async () => {
  const r = await call({ node: 'lab-cucm', names: ['*'], model: 'Cisco 7841', max: 1000 });
  assert.ok(r.returned > 0);
  assert.ok((r.data as { modelName: string }[]).every((d) => d.modelName === 'Cisco 7841'));
  await assert.rejects(call({ node: 'lab-cucm', names: ['*'], model: 'Cisco 0000' }), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID');
});

test('when the RIS budget runs out mid-selection the devices read so far come back with a cursor, and the cursor reads the rest', async () => {
  // Another aibridge instance whose per-node budget is 2 requests a minute.
  const tight = await installOverLab(lab, readFileSync(join(root, '.env'), 'utf8'), { prefix: 'ris-tight', extraEnv: '\nSERVER_CUCM_RIS_PER_MINUTE=2\n' });
  try {
    const tool = tight.tools.get('cucm_ris_devices')!;
    const r = await call({ node: 'lab-cucm', names: ['*'], max: 0, max_requests: 12 }, tool);
    assert.equal(r.complete, false);
    assert.equal(r.stopped_by, 'rate_limit');
    assert.equal(r.requests, 2);
    assert.match(r.hint, /throttled/);
    assert.ok(r.total_found > 0 && r.total_found < lab.data.registrations.size);
    // The default instance (budget 60) reads on from the cursor: together every phone, once.
    const rest = await call({ node: 'lab-cucm', names: ['*'], max: 0, max_requests: 12, cursor: r.cursor });
    assert.equal(rest.complete, true);
    assert.ok(rest.total_found + r.total_found >= lab.data.registrations.size);
  } finally { tight.close(); }
});
