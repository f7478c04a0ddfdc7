/**
 * cucm_cli / cuc_cli against the lab as real nodes behave: streamed long commands stopped at a cap
 * with the session still usable, the file view pager windowed over a 200,000-line log, menus and
 * confirmations declined, password commands refused up front, UTF-8 split across SSH packets.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningLab } from '../../lab/start-lab.ts';
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';
import { aliceContext, runTool, startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

let lab: RunningLab;
let tools: Map<string, ToolDefinition>;

let harness: LabTools;

before(async () => {
  harness = await startLabTools({ seed: 5, phones: 60, prefix: 'cli' });
  ({ lab, tools } = harness);
});
after(async () => { await harness.close(); });

const progress: Array<{ n: number; message?: string | undefined }> = [];
const ctx = aliceContext(async (n, _t, message) => { progress.push({ n, message }); });

async function cli(args: Record<string, unknown>, name = 'cucm_cli'): Promise<any> {
  const r = await runTool(tools.get(name)!, { node: name === 'cuc_cli' ? 'cuc-pub' : 'cucm-pub', ...args }, ctx);
  return JSON.parse((r.content[0] as { text: string }).text);
}

test('a long command streams as progress, stops at max_seconds as truncated, and the session runs the next command', async () => {
  progress.length = 0;
  const r = await cli({ command: 'utils diagnose test', max_seconds: 2 });
  assert.equal(r.status, 'truncated');
  assert.equal(r.stopped_by, 'max_duration');
  assert.match(r.reason, /max_seconds/);
  assert.match(r.data, /^Log file: platform\/log\/diag1\.log/);
  assert.match(r.data, /test - disk_space {10}: Passed/);
  assert.ok(!r.data.includes('Diagnostics Completed'), 'stopped before the end');
  assert.ok(!r.data.includes('Control-C pressed'));
  assert.ok(progress.length >= 1 && progress.some((p) => /test - /.test(p.message ?? '')), 'lines arrived as progress');
  assert.ok(progress.every((p, i) => i === 0 || p.n >= progress[i - 1]!.n), 'progress only grows');
  const next = await cli({ command: 'show version active' });
  assert.equal(next.status, 'ok');
  assert.match(next.data, /Active Master Version/);
});

test('file view returns a window of a 200,000-line log with its total, from the start, the end or a range', async () => {
  const path = 'file view activelog cm/trace/ccm/sdl/SDL001_100_000003.txt';
  const head = await cli({ command: path });
  assert.equal(head.status, 'ok');
  assert.equal(head.total_lines, 200_000);
  const lines = head.data.split('\n');
  assert.equal(lines.length, 200);
  assert.match(lines[0], /index 1 line 1$/);
  assert.match(lines[199], /index 200 line 200$/);
  assert.ok(!head.data.includes('options:'));
  const tail = await cli({ command: path, window: { last: 120 } });
  const t = tail.data.split('\n');
  assert.equal(t.length, 120);
  assert.match(t[0], / line 199881$/);
  assert.match(t[119], / line 200000$/);
  assert.deepEqual([tail.first_line, tail.last_line], [199_881, 200_000]);
  const mid = await cli({ command: path, window: { from: 1000, to: 1010 } });
  assert.deepEqual(mid.data.split('\n').map((l: string) => Number(/line (\d+)$/.exec(l)![1])), [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010]);
  await assert.rejects(cli({ command: path, window: { from: 100_000, to: 100_010 } }), (e: unknown) => e instanceof AppError && /nearer end/.test(e.message));
  const small = await cli({ command: 'file view activelog platform/log/diag1.log', window: { last: 3 } });
  assert.equal(small.total_lines, 120);
  assert.equal(small.data.split('\n').length, 3);
  await assert.rejects(cli({ command: 'show status', window: { first: 3 } }), /file view/);
});

test('file tail returns the last lines and leaves the follow with Ctrl-C', async () => {
  const r = await cli({ command: 'file tail activelog platform/log/diag1.log 5' });
  assert.equal(r.status, 'ok');
  assert.equal(r.data.split('\n').length, 5);
  assert.match(r.data.split('\n')[4], /module 120/);
  assert.equal((await cli({ command: 'show status' })).status, 'ok');
});

test('a numbered menu, a y/n question and "press any key" are declined with the prompt text; the session stays usable', async () => {
  const menu = await cli({ command: 'utils system upgrade initiate' });
  assert.equal(menu.status, 'declined');
  assert.equal(menu.prompt_kind, 'menu');
  assert.match(menu.prompt, /Please select an option \(1 - 2 or "q" \):/);
  assert.match(menu.hint, /menu/);
  const yn = await cli({ command: 'utils network connectivity' });
  assert.equal(yn.status, 'declined');
  assert.equal(yn.prompt_kind, 'y_n');
  assert.ok(!/Running test/.test(yn.data), 'the test never started');
  const key = await cli({ command: 'utils core active list' });
  assert.equal(key.status, 'declined');
  assert.equal(key.prompt_kind, 'any_key');
  assert.equal((await cli({ command: 'show status' })).status, 'ok');
});

test('commands that ask for a password are refused before connecting', async () => {
  for (const command of ['set password user admin', 'file get activelog platform/log/diag1.log']) {
    assert.throws(() => tools.get('cucm_cli')!.target({ node: 'cucm-pub', command }), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /password/.test(e.message));
  }
  assert.throws(() => tools.get('cuc_cli')!.target({ node: 'cuc-pub', command: 'utils cuc reset password jdoe' }), /password/);
});

test('accented names written in small SSH packets come back intact', async () => {
  const r = await cli({ command: 'run sql select firstname, lastname from enduser' });
  assert.equal(r.status, 'ok');
  const names = lab.description.nodes.length > 0 ? r.data : '';
  assert.ok(!names.includes('\ufffd'), 'no replacement characters');
  assert.match(names, /José|Zoë|Łukasz|Søren|Chloé|Jürgen|Ōta|Müller|Núñez|Dvořák|Øberg|Çelik|Ångström/);
});

test('help <command> prints the command help', async () => {
  const r = await cli({ command: 'help file view' });
  assert.equal(r.status, 'ok');
  assert.match(r.data, /^file view help:/);
});
