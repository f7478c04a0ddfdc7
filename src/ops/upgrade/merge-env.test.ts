import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeEnv, exampleDefaults } from './merge-env.ts';

const OLD = '# PROJECT_NAME=aibridge\n# PROJECT_VERSION=\n# A=1\n# B=2\n';
const NEW = '# PROJECT_NAME=aibridge\n# PROJECT_VERSION=\n# A=1\n# B=2\n# NEW_KEY=5\n# NEW_QUOTED=\'a b\'\n';

test('mergeEnv() adds new keys with "# ADDED by upgrade vX", updates PROJECT_*, never touches customer keys', () => {
  const env = '# my comment\nA=customer\nPROJECT_VERSION=0.1.0\n';
  const r = mergeEnv(env, OLD, NEW, '0.2.0');
  assert.deepEqual(r.added, ['NEW_KEY', 'NEW_QUOTED']);
  assert.equal(r.text, "# my comment\nA=customer\nPROJECT_VERSION=0.2.0\n# ADDED by upgrade v0.2.0\nNEW_KEY=5\n# ADDED by upgrade v0.2.0\nNEW_QUOTED='a b'\n# ADDED by upgrade v0.2.0\nPROJECT_NAME=aibridge\n");
  assert.deepEqual(r.updated, ['PROJECT_VERSION', 'PROJECT_NAME']);
});

test('mergeEnv() keeps CRLF and copes with no final newline; a key the customer set is not re-added', () => {
  const r = mergeEnv('A=1\r\nNEW_KEY=9', OLD, NEW, '0.2.0');
  assert.ok(!r.added.includes('NEW_KEY'));
  assert.ok(r.text.startsWith('A=1\r\nNEW_KEY=9\r\n'));
  assert.ok(!/[^\r]\n/.test(r.text), 'every line ends with CRLF');
});

test('exampleDefaults() reads commented and active defaults, unquoted', () => {
  assert.deepEqual([...exampleDefaults("# X='a b'\nY=2\n# not a key line\n")], [['X', 'a b'], ['Y', '2']]);
});
