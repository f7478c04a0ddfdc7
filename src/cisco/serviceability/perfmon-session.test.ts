import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratesOf, runPerfmonSession, sessionCost } from './perfmon-session.ts';
import type { PerfmonCall } from './perfmon-session.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { AppError } from '../../lib/errors.ts';

function fakeNode(opts: { failOn?: string; failAt?: number } = {}): { call: PerfmonCall; log: string[] } {
  const log: string[] = [];
  let collects = 0;
  const call: PerfmonCall = async (action, body) => {
    log.push(action);
    if (action === 'perfmonOpenSession') return { perfmonOpenSessionReturn: '{S-1}' };
    assert.match(body, /\{S-1\}|ArrayOfCounter/);
    if (action === opts.failOn && (opts.failAt === undefined || collects === opts.failAt)) throw new AppError('E_CISCO_FAULT', `${action} failed`);
    if (action === 'perfmonCollectSessionData') {
      collects++;
      return { perfmonCollectSessionDataReturn: [{ Name: '\\\\cucm-pub\\Cisco CallManager\\CallsAttempted', Value: String(100 + collects * 30), CStatus: '1' }] } as XObject;
    }
    return {};
  };
  return { call, log };
}

const noSleep = async (): Promise<void> => undefined;

test('a PerfMon session collects N samples, gives rates, and closes', async () => {
  const { call, log } = fakeNode();
  const r = await runPerfmonSession(call, { paths: ['\\\\cucm-pub\\Cisco CallManager\\CallsAttempted'], samples: 3, intervalMs: 10_000, sleep: noSleep });
  assert.deepEqual(log, ['perfmonOpenSession', 'perfmonAddCounter', 'perfmonCollectSessionData', 'perfmonCollectSessionData', 'perfmonCollectSessionData', 'perfmonCloseSession']);
  assert.equal(log.length, sessionCost(3));
  assert.equal(r.closed, true);
  assert.deepEqual(ratesOf(r, 10_000), { '\\\\cucm-pub\\Cisco CallManager\\CallsAttempted': 3 });
});

test('a PerfMon session is closed when a step fails', async () => {
  for (const [failOn, failAt] of [['perfmonAddCounter', undefined], ['perfmonCollectSessionData', 1]] as const) {
    const { call, log } = fakeNode({ failOn, ...(failAt !== undefined ? { failAt } : {}) });
    await assert.rejects(runPerfmonSession(call, { paths: ['p'], samples: 3, intervalMs: 1, sleep: noSleep }), new RegExp(`${failOn} failed`));
    assert.equal(log.at(-1), 'perfmonCloseSession', `closed after ${failOn} failed`);
  }
});

test('a PerfMon session is closed when the caller cancels between samples, without the cancelled signal', async () => {
  const { call, log } = fakeNode();
  const ctl = new AbortController();
  const seen: (AbortSignal | undefined)[] = [];
  const spy: PerfmonCall = (a, b, s) => { seen.push(s); return call(a, b, s); };
  const sleep = (_ms: number, signal?: AbortSignal): Promise<void> => new Promise((_, reject) => {
    ctl.abort();
    if (signal?.aborted) reject(new AppError('E_CANCELLED', 'PerfMon collection was cancelled'));
  });
  await assert.rejects(runPerfmonSession(spy, { paths: ['p'], samples: 5, intervalMs: 1000, signal: ctl.signal, sleep }), /cancelled/);
  assert.deepEqual(log, ['perfmonOpenSession', 'perfmonAddCounter', 'perfmonCollectSessionData', 'perfmonCloseSession']);
  assert.equal(seen.at(-1), undefined, 'the close does not carry the aborted signal');
});

test('the real sleep rejects at once on an aborted signal', async () => {
  const { call, log } = fakeNode();
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(runPerfmonSession(call, { paths: ['p'], samples: 2, intervalMs: 60_000, signal: ctl.signal }), /cancelled/);
  assert.equal(log.at(-1), 'perfmonCloseSession');
});
