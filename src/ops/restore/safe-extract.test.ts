import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { buffer } from 'node:stream/consumers';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { extractTarGz } from './safe-extract.ts';
import { AppError } from '../../lib/errors.ts';

async function tarGz(entries: Array<Partial<Header> & { name: string; body?: string }>): Promise<string> {
  const pack = tarStream.pack();
  for (const e of entries) {
    const { body, ...h } = e;
    pack.entry({ type: 'file', mode: 0o644, ...h, ...(body !== undefined ? { size: Buffer.byteLength(body) } : {}) }, body ?? '');
  }
  pack.finalize();
  const file = join(mkdtempSync(join(tmpdir(), 'tgz-')), 'a.tar.gz');
  writeFileSync(file, gzipSync(await buffer(pack as unknown as NodeJS.ReadableStream)));
  return file;
}

const refused = (e: unknown): boolean => e instanceof AppError && e.code === 'E_RESTORE';

for (const [label, entries] of [
  ['a ".." entry', [{ name: '../evil', body: 'x' }]],
  ['a nested ".." entry', [{ name: 'a/../../evil', body: 'x' }]],
  ['an absolute path', [{ name: '/tmp/evil-abs', body: 'x' }]],
  ['a symbolic link', [{ name: 'link', type: 'symlink', linkname: '/etc' }]],
  ['a hard link', [{ name: 'hl', type: 'link', linkname: '/etc/passwd' }]],
  ['a character device', [{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }]],
  ['a FIFO', [{ name: 'fifo', type: 'fifo' }]],
  ['a duplicate entry', [{ name: 'a', body: '1' }, { name: 'a', body: '2' }]],
  ['a backslash name', [{ name: 'a\\..\\b', body: 'x' }]],
] as const) {
  test(`extractTarGz() refuses ${label}`, async () => {
    const dest = mkdtempSync(join(tmpdir(), 'dest-'));
    const parent = mkdtempSync(join(tmpdir(), 'parent-'));
    const inner = join(parent, 'inner');
    mkdirSync(inner);
    await assert.rejects(extractTarGz(await tarGz(entries as never), label.includes('..') ? inner : dest), refused);
    assert.equal(existsSync(join(parent, 'evil')), false);
    assert.equal(existsSync('/tmp/evil-abs'), false);
  });
}

test('extractTarGz() keeps modes, including read-only folders', async () => {
  const dest = mkdtempSync(join(tmpdir(), 'dest-'));
  await extractTarGz(await tarGz([
    { name: 'ro/', type: 'directory', mode: 0o500 },
    { name: 'ro/f', body: 'hello', mode: 0o640 },
    { name: 'x', body: 'run', mode: 0o750 },
  ]), dest);
  assert.equal(statSync(join(dest, 'ro')).mode & 0o777, 0o500);
  assert.equal(statSync(join(dest, 'ro', 'f')).mode & 0o777, 0o640);
  assert.equal(statSync(join(dest, 'x')).mode & 0o777, 0o750);
  assert.deepEqual(readdirSync(dest).sort(), ['ro', 'x']);
});
