/**
 * Rotation survives kill -9 at every step (T-AU-11, T-AU-09): a real SIGKILL delivered by strace
 * on entry to each rename, fsync and unlink of one rotation, then the recovery that open runs.
 * Records are never lost, duplicated or reordered, and the archives stay contiguous.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { archivePath, finishInterruptedRotation, highestGeneration, rotateFile } from './rotate-file.ts';

const strace = spawnSync('strace', ['-qq', '-e', 'trace=none', 'true']).status === 0;
/** This runtime, as a command to run a script (under strace, Deno's own spawn translation does not apply). */
const runtime = 'Deno' in globalThis ? [process.execPath, 'run', '-A'] : [process.execPath];

function install(archives: number): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rotate-file-'));
  const path = join(dir, 'audit.log');
  // Generation n holds record `archives - n + 1`: the oldest (highest n) holds record 1.
  for (let n = 1; n <= archives; n++) writeFileSync(archivePath(path, n), gzipSync(`{"seq":${archives - n + 1}}\n`), { mode: 0o600 });
  writeFileSync(path, `{"seq":${archives + 1}}\n`, { mode: 0o600 });
  return { dir, path };
}

/** The records of the chain, oldest first, as every reader sees them (archives N..1, then the log). */
function records(path: string): string[] {
  const out: string[] = [];
  const top = highestGeneration(path);
  for (let n = top; n >= 1; n--) out.push(...gunzipSync(readFileSync(archivePath(path, n))).toString('utf8').split('\n').filter(Boolean));
  if (existsSync(path)) out.push(...readFileSync(path, 'utf8').split('\n').filter(Boolean));
  return out;
}

test('highestGeneration counts archives from 1 up to the first gap, ignoring other names', () => {
  const { dir, path } = install(3);
  writeFileSync(join(dir, 'audit.log.5.gz'), '');
  writeFileSync(join(dir, 'audit.log.01.gz'), '');
  writeFileSync(join(dir, 'audit.log.x.gz'), '');
  writeFileSync(join(dir, 'app.log.4.gz'), '');
  assert.equal(highestGeneration(path), 3);
  assert.equal(highestGeneration(join(dir, 'none', 'audit.log')), 0);
  rmSync(dir, { recursive: true });
});

test('a rotation keeping every archive returns the archive count, shifts each one up and keeps the records in order', () => {
  const { dir, path } = install(4);
  const r = rotateFile(path, Infinity);
  assert.equal(r.archives, 5);
  assert.deepEqual(r.written, readFileSync(archivePath(path, 1)), 'written: the bytes of the new archive');
  assert.deepEqual(records(path), [1, 2, 3, 4, 5].map((s) => `{"seq":${s}}`));
  assert.equal(existsSync(path), false);
  rmSync(dir, { recursive: true });
});

test('kill -9 at any step of a rotation: the recovery at next open leaves every record once, in order', { skip: strace ? false : 'strace is not available (apt-get install strace)' }, () => {
  const expected = [1, 2, 3, 4].map((s) => `{"seq":${s}}`);
  const steps: string[] = [];
  for (const syscall of ['rename', 'fsync', 'unlink']) {
    for (let k = 1; ; k++) {
      const { dir, path } = install(3);
      const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=KILL:when=${k}`,
        ...runtime, resolve('src/lib/testdata/rotate-once.ts'), path], { encoding: 'utf8' });
      const killed = r.status !== 0;
      if (killed) {
        steps.push(`${syscall}#${k}`);
        finishInterruptedRotation(path, Infinity);
        assert.deepEqual(records(path), expected, `killed on ${syscall} #${k}: ${readdirSync(dir).join(', ')}`);
        assert.equal(existsSync(`${path}.rotating`), false, `killed on ${syscall} #${k}: recovery finished the rotation`);
        assert.equal(readdirSync(dir).filter((n) => /^audit\.log\.\d+\.gz$/.test(n)).length, highestGeneration(path), 'no gap between archives');
      }
      rmSync(dir, { recursive: true });
      if (!killed) break;
    }
  }
  // path → .rotating, three shifts, temp → archive; two fsyncs; the unlink of .rotating.
  assert.deepEqual(steps, ['rename#1', 'rename#2', 'rename#3', 'rename#4', 'rename#5', 'fsync#1', 'fsync#2', 'unlink#1']);
});
