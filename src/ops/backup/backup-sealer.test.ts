/**
 * Issue 20: a backup written by the seal worker (tar read into shared slots, zstd where it pays,
 * AES-256-GCM, one SHA-512 pass) restores exactly: chunk boundaries inside headers and files,
 * long names, empty files and folders, noise stored and text compressed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { createBackup } from './create-backup.ts';
import { CHUNK_BYTES } from './backup-chunks.ts';
import { restoreToFolder } from '../restore/restore-backup.ts';
import { verifyBackup } from '../restore/verify-backup.ts';
import { sha512OfFile } from './sidecar.ts';

function tree(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    const rel = p.slice(base.length + 1);
    if (st.isDirectory()) { out.set(`${rel}/`, (st.mode & 0o777).toString(8)); for (const [k, v] of tree(p, base)) out.set(k, v); }
    else out.set(rel, `${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  }
  return out;
}

test('seal worker: random and text data across chunk boundaries, long names, empty files and folders restore exactly', async () => {
  const inst = fixtureInstall();
  const data = join(inst.dir, 'clients', 'alice', 'reports');
  writeFileSync(join(data, 'noise.bin'), randomBytes(3 * CHUNK_BYTES + 17));
  writeFileSync(join(data, 'log.txt'), Buffer.alloc(4 * CHUNK_BYTES - 300, 'a line of a report\n'));
  writeFileSync(join(data, 'empty'), '');
  writeFileSync(join(data, 'odd.bin'), randomBytes(511));
  const deep = join(data, 'a'.repeat(90), 'b'.repeat(90), 'ç'.repeat(40));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'r.md'), 'deep\n');
  mkdirSync(join(data, 'empty-dir'));
  chmodSync(join(data, 'odd.bin'), 0o604);
  const b = await createBackup(inst.config());
  assert.equal(b.sha512, await sha512OfFile(b.file), 'the digest the worker reports is the file\'s');
  assert.equal(b.bytes, statSync(b.file).size);
  assert.ok(b.bytes < 3 * CHUNK_BYTES + 400_000, `noise stored, text compressed: ${b.bytes} bytes for ${7 * CHUNK_BYTES} of data`);
  const v = await verifyBackup(inst.config(), { file: b.file, cwd: inst.dir });
  const r = await restoreToFolder(inst.config(), { file: b.file, cwd: inst.dir });
  assert.equal(v.files, r.files);
  const want = tree(inst.dir);
  for (const k of [...want.keys()]) if (k.startsWith('backups/') || k.startsWith('restore_')) want.delete(k);
  assert.deepEqual(tree(r.target), want);
});

test('seal worker: a backup smaller than one chunk restores', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  const r = await restoreToFolder(inst.config(), { file: b.file, cwd: inst.dir });
  assert.deepEqual(readFileSync(join(r.target, '.env')), readFileSync(join(inst.dir, '.env')));
});
