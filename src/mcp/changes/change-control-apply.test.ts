/**
 * Apply's verdict when the write fails: decided by the error's reason (cisco/upstream-error.ts
 * provesNotApplied), never by its wording. A write that provably never reached the node (or that
 * the node refused) is failed at once; one that may have reached it and whose read-back is
 * inconclusive stays outcome_unknown for reconciliation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeStore } from '../../changes/change-store.ts';
import { AppError } from '../../lib/errors.ts';
import { upstreamError } from '../../cisco/upstream-error.ts';
import type { UpstreamReason } from '../../cisco/upstream-error.ts';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import { ChangeControl } from './change-control.ts';

/** A write whose handler fails with `err`; the object reads as planned, then (after the failure) unreadably different. */
async function applyFailingWith(err: unknown): Promise<{ status: string; events: string[] }> {
  const events: string[] = [];
  let reads = 0;
  const tool = {
    name: 'fake_write', handler: async () => { throw err; },
    change: {
      plan: async () => ({ object: 'Phone "SEP1"', before: { d: 'old' }, diff: [{ field: 'd', before: 'old', after: 'new' }], reversible: false }),
      read: async () => (reads++ === 0 ? { d: 'old' } : { d: 'something else' }),
    },
  } as unknown as ToolDefinition;
  const cc = new ChangeControl({
    store: new ChangeStore(mkdtempSync(join(tmpdir(), 'cc-apply-'))),
    audit: { append: (_c, event) => { events.push(event); } },
    ttlMs: 60_000, tools: { get: () => tool }, profileOf: () => undefined,
  });
  const ctx = {
    principal: { clientName: 'alice', profile: 'admin' }, signal: new AbortController().signal, progress: async () => undefined,
    elicit: async () => ({ action: 'accept' as const, content: { approve: true } }),
  } as unknown as ToolContext;
  const out = await cc.intercept(tool, { d: 'new' }, { product: 'cucm', protocol: 'axl', node: 'cucm-pub', axlOperation: 'updatePhone' } as never, ctx);
  const change = (out?.structuredContent as { change: { status: string } }).change;
  return { status: change.status, events };
}

const notSent: UpstreamReason[] = ['connection_refused', 'dns_not_found', 'dns_temporary', 'tls_untrusted', 'tls_expired', 'tls_hostname', 'tls_pin_mismatch', 'ssh_host_key_changed', 'node_busy'];
const refusedByNode: UpstreamReason[] = ['soap_fault', 'request_rejected', 'auth_rejected', 'role_missing', 'throttled', 'not_found', 'service_missing', 'cli_error', 'unsupported'];
const open: UpstreamReason[] = ['timeout', 'connection_reset', 'network_error', 'write_outcome_unknown', 'server_error', 'malformed_answer', 'cancelled', 'session_closed'];

test('a write that never reached the node, or that the node refused, is failed at once, whatever its message says', async () => {
  for (const reason of [...notSent, ...refusedByNode]) {
    const r = await applyFailingWith(upstreamError(reason, 'something went wrong', { node: 'cucm-pub' }));
    assert.equal(r.status, 'failed', reason);
    assert.equal(r.events.at(-1), 'change_failed', reason);
  }
  for (const code of ['E_INPUT_INVALID', 'E_FORBIDDEN'] as const) {
    assert.equal((await applyFailingWith(new AppError(code, 'checked before sending'))).status, 'failed', code);
  }
});

test('a write whose outcome is open stays outcome_unknown, even when its message reads like a refusal', async () => {
  for (const reason of open) {
    const r = await applyFailingWith(upstreamError(reason, 'Refused: HTTP 500 failed on node "cucm-pub"', { node: 'cucm-pub' }));
    assert.equal(r.status, 'outcome_unknown', reason);
    assert.equal(r.events.at(-1), 'change_outcome_unknown', reason);
  }
  for (const err of [new Error('Refused'), new AppError('E_INTERNAL', 'Refused to send'), 'a string']) {
    assert.equal((await applyFailingWith(err)).status, 'outcome_unknown', String(err));
  }
});
