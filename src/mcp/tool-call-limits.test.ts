/** Issue #12 items 4 and 13: unknown tool names are rate-limited and audited with bounded fields; every tool error is logged with its code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import type { Logger, LogFields } from '../log/logger.ts';
import type { ToolDefinition } from './tool-definition.ts';
import { FALLBACK_RATE_LIMIT } from '../rbac/rate-limit-of.ts';
import { auditRecords, startHarness } from './testdata/mcp-harness.ts';

function memoryLogger(): Logger & { lines: Array<{ level: string; event: string; fields: LogFields }> } {
  const lines: Array<{ level: string; event: string; fields: LogFields }> = [];
  const at = (level: string) => (event: string, fields: LogFields = {}) => { lines.push({ level, event, fields }); };
  return { lines, debug: at('debug'), info: at('info'), warning: at('warning'), error: at('error'), critical: at('critical') };
}

test('#12.4 unknown tool names count against the caller\'s limit, and refused calls are audited with bounded fields', async () => {
  const h = await startHarness();
  const alice = await h.connect('alice');
  const big = { blob: 'x'.repeat(4000), more: 'y'.repeat(4000) };
  let limited = 0;
  for (let i = 0; i < FALLBACK_RATE_LIMIT + 5; i++) {
    try {
      const r = await alice.callTool({ name: `no_such_tool_${i}_${'z'.repeat(300)}`, arguments: big });
      assert.equal(r.isError, true);
    } catch (err) {
      if (/429/.test(String(err))) limited++; else assert.match(String(err), /Unknown tool/);
    }
  }
  assert.equal(limited, 5, 'calls past the fallback limit get 429');
  const refused = auditRecords(h).filter((r) => r.category === 'ACTIONS' && r.event === 'tool_call');
  assert.ok(refused.length >= FALLBACK_RATE_LIMIT);
  for (const r of refused) {
    assert.ok(JSON.stringify(r).length < 1500, `record too large: ${JSON.stringify(r).length} bytes`);
    assert.ok(String(r.tool_name ?? '').length <= 64);
  }
  assert.ok(auditRecords(h).some((r) => r.category === 'RATE_LIMITED' && r.service === 'unknown_tool'));
  // Another client keeps its own budget.
  assert.equal((await (await h.connect('olga')).callTool({ name: 'aibridge_whoami', arguments: {} })).isError, undefined);
});

test('#12.13 every error from a tool\'s target check or handler is logged with its code (an uncaught URIError too)', async () => {
  const logger = memoryLogger();
  const badTarget: ToolDefinition = {
    name: 'cuc_bad_path', title: 'Bad path', description: 'target decodes without a guard', product: 'cuc', protocol: 'cupi', rateCategory: 'cupi',
    inputSchema: {}, annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true }, effect: 'read', outputSchema: { text: z.string() },
    target: () => ({ cupiRequest: decodeURIComponent('/vmrest/%c0%ae') }),
    async handler() { return { content: [] }; },
  };
  const refusing: ToolDefinition = {
    ...badTarget, name: 'cuc_refusing', target: () => ({}),
    async handler() { throw new AppError('E_CISCO_FAULT', 'Unity Connection answered HTTP 500'); },
  };
  const h = await startHarness({ logger, extraTools: [badTarget, refusing] });
  const alice = await h.connect('alice');
  const r1 = await alice.callTool({ name: 'cuc_bad_path', arguments: {} });
  assert.equal(r1.isError, true);
  const r2 = await alice.callTool({ name: 'cuc_refusing', arguments: {} });
  assert.equal(r2.isError, true);
  const failed = logger.lines.filter((l) => l.event === 'tool_failed');
  assert.deepEqual(failed.map((l) => [l.level, l.fields.tool, l.fields.code]), [['error', 'cuc_bad_path', 'E_INTERNAL'], ['warning', 'cuc_refusing', 'E_CISCO_FAULT']]);
  assert.equal(failed[0]?.fields.error_name, 'URIError');
});
