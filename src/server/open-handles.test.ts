import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNullLogger } from '../log/logger.ts';
import type { Logger } from '../log/logger.ts';
import { OpenHandles } from './open-handles.ts';

test('handles close newest first; a failing close is logged and the older ones still close; closing twice closes nothing again', async () => {
  const closed: string[] = [];
  const errors: Array<Record<string, unknown> | undefined> = [];
  const logger: Logger = { ...createNullLogger(), error: (_event, fields) => { errors.push(fields); } };
  const open = new OpenHandles(logger);
  open.add('profiles', { close: () => { closed.push('profiles'); } });
  const auth = open.add('auth', { close: async () => { closed.push('auth'); throw new Error('boom'); }, extra: 1 });
  open.add('https', { close: async () => { await new Promise((r) => setTimeout(r, 5)); closed.push('https'); } });
  assert.equal(auth.extra, 1, 'add() returns the handle itself');
  await open.closeAll();
  assert.deepEqual(closed, ['https', 'auth', 'profiles']);
  assert.deepEqual(errors, [{ handle: 'auth', message: 'boom' }]);
  await open.closeAll();
  assert.deepEqual(closed, ['https', 'auth', 'profiles']);
});
