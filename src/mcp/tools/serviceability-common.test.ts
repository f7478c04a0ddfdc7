import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.ts';
import type { CiscoNode } from '../../cisco/cisco-node.ts';
import { upstreamError } from '../../cisco/upstream-error.ts';
import { fanOut } from './serviceability-common.ts';

const node = (name: string): CiscoNode => ({ name, product: 'cucm', host: '127.0.0.1', cluster: 'c', role: 'subscriber', httpsPort: 8443, sshPort: 22 });
const two = [node('cucm-pub'), node('cucm-sub1')];

test('fanOut() reports a failed node with a typed error (code, message, hint, retryable, reason, node) beside the nodes that answered', async () => {
  const r = await fanOut(two, async (n) => {
    if (n.name === 'cucm-sub1') throw upstreamError('throttled', 'Node "cucm-sub1" is throttling Control Center requests', { node: n.name, httpStatus: 503, hint: 'wait about 30 s and retry' });
    return 42;
  });
  assert.deepEqual(r[0], { node: 'cucm-pub', ok: true, value: 42 });
  assert.deepEqual(r[1], { node: 'cucm-sub1', ok: false, error: { code: 'E_CISCO_THROTTLED', message: 'Node "cucm-sub1" is throttling Control Center requests', hint: 'wait about 30 s and retry', retryable: true, reason: 'throttled', node: 'cucm-sub1', http_status: 503 } });
});

test('fanOut() names the node even when the error does not, and redacts the message', async () => {
  const r = await fanOut(two, async (n) => { if (n.name === 'cucm-pub') throw new AppError('E_NOT_FOUND', 'No login stored; tried password=hunter2', { hint: 'aibridge credentials set' }); return 1; });
  assert.equal(r[0]!.ok, false);
  const e = (r[0] as { error: { node: string; code: string; message: string } }).error;
  assert.equal(e.node, 'cucm-pub');
  assert.equal(e.code, 'E_NOT_FOUND');
  assert.doesNotMatch(e.message, /hunter2/);
});

test('fanOut() lets a bug, a cancellation and a single node\'s failure through as the call\'s own error', async () => {
  await assert.rejects(fanOut(two, async (n) => { if (n.name === 'cucm-sub1') throw new TypeError('x is undefined'); return 1; }), TypeError);
  await assert.rejects(fanOut(two, async () => { throw upstreamError('cancelled', 'Download was cancelled'); }), /cancelled/);
  await assert.rejects(fanOut([node('cucm-pub')], async () => { throw new AppError('E_NOT_FOUND', 'No login stored'); }), /No login stored/);
});
