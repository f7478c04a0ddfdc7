import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCliCommand } from './cli-command-check.ts';
import { AppError } from '../../lib/errors.ts';

const refused = (e: unknown): boolean => e instanceof AppError && e.code === 'E_FORBIDDEN';

test('checkCliCommand() accepts admin CLI commands and normalises spaces', () => {
  assert.equal(checkCliCommand('show   version active '), 'show version active');
  assert.equal(checkCliCommand('utils dbreplication runtimestate'), 'utils dbreplication runtimestate');
  assert.equal(checkCliCommand('run sql select name from device where name like "SEP%"'), 'run sql select name from device where name like "SEP%"');
});

test('checkCliCommand() refuses line breaks and control characters (T-IN-20, T-IN-21)', () => {
  for (const c of ['show version\nutils system restart', 'show status\r', 'show status\r\nx', 'show\u0085status', 'show\u2028status', 'show\u2029status',
    'show status\u0003', 'show \u0004', 'show \u0015x', 'show \u001a', 'show\tstatus', 'show \u001b[2J', 'show st\u007fatus']) {
    assert.throws(() => checkCliCommand(c), refused, JSON.stringify(c));
  }
});

test('checkCliCommand() refuses metacharacters, options, unknown verbs and over-long lines (T-IN-22…24)', () => {
  for (const c of ['show version ?', 'show version | include x', 'show status; utils system restart', 'show status && reboot', 'show `id`',
    'show $(id)', 'show status > /tmp/x', 'file get activelog \\x', 'show -h', 'reboot', 'sudo show status', '', '   ', `show ${'a'.repeat(600)}`, 'show ünicode']) {
    assert.throws(() => checkCliCommand(c), refused, JSON.stringify(c));
  }
});
