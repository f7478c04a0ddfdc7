import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setEnvValue, removeEnvKey, activeKeys } from './env-text.ts';

test('setEnvValue() rewrites the key in place and keeps every other line', () => {
  const text = '# comment\nA=1\n\n# B=old\nB=2\nC=3\n';
  assert.equal(setEnvValue(text, 'B', 'x'), '# comment\nA=1\n\n# B=old\nB=x\nC=3\n');
});

test('setEnvValue() appends with comment lines, keeps CRLF and adds a missing final newline', () => {
  assert.equal(setEnvValue('A=1\r\nB=2', 'Z', 'v', ['why']), 'A=1\r\nB=2\r\n# why\r\nZ=v\r\n');
  assert.equal(setEnvValue('', 'Z', 'v'), 'Z=v\n');
});

test('setEnvValue() quotes values dotenv would change and refuses line breaks', () => {
  assert.equal(setEnvValue('', 'K', 'a b#c'), "K='a b#c'\n");
  assert.equal(setEnvValue('', 'K', 'rsa-oaep-sha512:AB+/cd=='), 'K=rsa-oaep-sha512:AB+/cd==\n');
  assert.throws(() => setEnvValue('', 'K', "it's\nx"));
});

test('removeEnvKey() and activeKeys() ignore commented lines', () => {
  assert.equal(removeEnvKey('# K=1\nK=2\nL=3\n', 'K'), '# K=1\nL=3\n');
  assert.deepEqual(activeKeys('# K=1\nexport K=2\n L = 3\n'), ['K', 'L']);
});
