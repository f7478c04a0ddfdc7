import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLogger } from './logger.ts';

test('createLogger() writes one redacted JSON line per event with an ISO-8601 UTC ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  const log = createLogger({ dir, level: 'info', rotateSize: 1e6, rotateFiles: 3, console: false });
  log.debug('hidden');
  log.info('login', { client: 'alice', password: 'pw-canary', note: 'a\nb\u2028c' });
  const lines = readFileSync(join(dir, 'app.log'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 1);
  const r = JSON.parse(lines[0] as string) as Record<string, string>;
  assert.match(r.ts ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(r.level, 'info');
  assert.equal(r.event, 'login');
  assert.equal(r.note, 'a\nb\u2028c');
  assert.ok(!readFileSync(join(dir, 'app.log'), 'utf8').includes('pw-canary'));
});

test('createLogger() rotates into gzip archives and keeps LOGGING_ROTATE_FILES of them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  const log = createLogger({ dir, level: 'debug', rotateSize: 10_000, rotateFiles: 2, console: false });
  for (let i = 0; i < 400; i++) log.info('e', { i, pad: 'x'.repeat(100) });
  const names = readdirSync(dir).sort();
  assert.deepEqual(names, ['app.log', 'app.log.1.gz', 'app.log.2.gz']);
  const newest = gunzipSync(readFileSync(join(dir, 'app.log.1.gz'))).toString().trim().split('\n');
  for (const l of newest) JSON.parse(l);
});
