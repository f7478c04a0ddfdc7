import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { identityRecordPath, readIdentityRecord, statIdentity, writeIdentityRecord } from './verified-identity.ts';

function recordFixture(): { path: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'identity-'));
  const file = join(dir, 'f');
  writeFileSync(file, 'x');
  return { path: identityRecordPath(dir), file };
}

test('writeIdentityRecord() writes mode 0600 and readIdentityRecord() reads it back', () => {
  const { path, file } = recordFixture();
  const entry = { ...statIdentity(file)!, sha512: 'b'.repeat(128) };
  writeIdentityRecord(path, { [file]: entry }, new Date().toISOString());
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readIdentityRecord(path), { [file]: entry });
});

test('readIdentityRecord() trusts nothing from a writable-by-others, malformed or absent record', () => {
  const { path, file } = recordFixture();
  assert.deepEqual(readIdentityRecord(path), {});
  writeIdentityRecord(path, { [file]: { ...statIdentity(file)!, sha512: 'b'.repeat(128) } }, new Date().toISOString());
  chmodSync(path, 0o620);
  assert.deepEqual(readIdentityRecord(path), {}, 'group-writable');
  chmodSync(path, 0o600);
  writeFileSync(path, JSON.stringify({ format: 1, files: { [file]: { sha512: 'short', dev: '1', ino: '2', size: '1', mtime_ns: '1', ctime_ns: 'x' } } }));
  assert.deepEqual(readIdentityRecord(path), {}, 'malformed entry dropped');
  writeFileSync(path, '{not json');
  assert.deepEqual(readIdentityRecord(path), {});
});

test('statIdentity() refuses what is not a regular file', () => {
  const { file } = recordFixture();
  assert.equal(statIdentity(join(file, '..')), undefined);
  assert.equal(statIdentity(`${file}.absent`), undefined);
});
