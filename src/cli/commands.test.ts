import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_MODULES, COMMAND_NAMES, loadAllCommands, loadCommand } from './commands.ts';

test('COMMAND_MODULES: each module\'s names are exactly the commands it loads, in order, none twice', async () => {
  for (const m of COMMAND_MODULES) assert.deepEqual((await m.load()).map((c) => c.name), [...m.names]);
  assert.deepEqual((await loadAllCommands()).map((c) => c.name), [...COMMAND_NAMES]);
  assert.equal(new Set(COMMAND_NAMES).size, COMMAND_NAMES.length);
});

test('loadCommand() returns the named command, or undefined for an unknown name', async () => {
  assert.equal((await loadCommand('fail2ban unblock'))?.name, 'fail2ban unblock');
  assert.equal(await loadCommand('fail2ban'), undefined);
});
