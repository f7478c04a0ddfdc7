/**
 * The serviceability tools against a lab with the faults: `perfmon:rate:N` (the node
 * throttles PerfMon beyond N requests a minute) and `dime:slow` (GetOneFile answers late and
 * trickles), each seen as an agent would: a throttled error that says to wait, a download that
 * still completes intact.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { aliceContext, runTool, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

let tools: Map<string, ToolDefinition>;

let harness: LabTools;

before(async () => {
  harness = await startLabTools({ seed: 9, phones: 10, faults: 'perfmon:rate:2,dime:slow', prefix: 'svcfaults' });
  ({ tools } = harness);
});
after(async () => { await harness.close(); });

const progress: number[] = [];
const ctx = aliceContext(async (p) => { progress.push(p); });
async function call(name: string, args: Record<string, unknown>): Promise<any> {
  return (await runTool(tools.get(name)!, args, ctx)).structuredContent;
}

test('perfmon:rate:2 — the third PerfMon request in a minute is E_CISCO_THROTTLED (reason throttled) with a hint to wait', async () => {
  const args = { node: 'cucm-pub', object: 'Cisco CallManager', counters: ['RegisteredHardwarePhones'] };
  await call('cucm_perfmon_collect', args);
  await call('cucm_perfmon_collect', args);
  await assert.rejects(call('cucm_perfmon_collect', args), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'E_CISCO_THROTTLED');
    assert.equal(err.upstream?.reason, 'throttled');
    assert.equal(err.retryable, true);
    assert.match(err.hint ?? '', /wait/);
    return true;
  });
});

test('dime:slow — a download that starts late and trickles still completes intact, with its progress', async () => {
  const found = await call('cucm_log_find', { node: 'cucm-pub', services: ['Cisco CallManager'], last_minutes: 60 });
  const small = [...found.files].sort((a: any, b: any) => b.size - a.size).find((f: any) => f.size < 200_000);
  assert.ok(small, JSON.stringify(found.files.slice(0, 3)));
  progress.length = 0;
  const t = performance.now();
  const got = await call('cucm_log_get', { node: 'cucm-pub', file: small.path });
  const ms = performance.now() - t;
  assert.equal(got.bytes, small.size);
  assert.equal(readFileSync(got.kept_at).length, small.size);
  assert.ok(ms >= 1400, `the answer started late as the fault says (${ms.toFixed(0)} ms)`);
  assert.equal(progress.at(-1), small.size, 'the last progress is the whole file');
});
