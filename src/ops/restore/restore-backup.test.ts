import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, copyFileSync, truncateSync, appendFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fixtureInstall, writeKeyPair } from '../testdata/fixture-install.ts';
import { createBackup } from '../backup/create-backup.ts';
import { restoreToFolder, restoreReplace } from './restore-backup.ts';
import { verifyBackup } from './verify-backup.ts';
import { AppError } from '../../lib/errors.ts';
import { sha512OfFile, writeSidecar } from '../backup/sidecar.ts';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadPrivateKey } from '../../keys/rsa-key-pair.ts';
import { writeV2Backup } from '../testdata/v2-backup.ts';
import { writeV3Backup } from '../testdata/v3-backup.ts';
import { SEGMENT_BYTES } from '../backup/backup-format.ts';

const isRestoreError = (e: unknown): boolean => e instanceof AppError && e.code === 'E_RESTORE';

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('restore_') || n.startsWith('.restore-'));
}

/** One flipped byte at the header, inside it, mid-file and at the end, sidecar resealed: each copy is refused. */
async function assertFlippedCopiesRefused(c: Parameters<typeof verifyBackup>[0], dir: string, file: string): Promise<void> {
  const size = statSync(file).size;
  for (const off of [4, 60, size >> 1, size - 1]) {
    const copy = join(dir, 'backups', `flip${off}.tar.gz.enc`);
    const buf = readFileSync(file);
    buf[off] = (buf[off] as number) ^ 1;
    writeFileSync(copy, buf);
    await writeSidecar(copy, await sha512OfFile(copy));
    await assert.rejects(verifyBackup(c, { file: copy, cwd: dir }), isRestoreError, `offset ${off}`);
  }
}

test('createBackup() then restoreToFolder() gives the same bytes and modes', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  assert.match(b.file, /backup_[^/]+_\d{8}_\d{6}\.tar\.gz\.enc$/);
  assert.equal(readFileSync(`${b.file}.sha512`, 'utf8').split(' ')[0], await sha512OfFile(b.file));
  assert.equal(statSync(b.file).mode & 0o777, 0o600);
  const r = await restoreToFolder(inst.config(), { file: b.file, cwd: inst.dir });
  assert.equal(r.target, join(inst.dir, `restore_${b.id}`));
  for (const f of ['.env', 'secrets/rsa_private.pem', 'clients/alice/secrets/.token', 'clients/alice/reports/r1.md']) {
    assert.deepEqual(readFileSync(join(r.target, f)), readFileSync(join(inst.dir, f)), f);
    assert.equal(statSync(join(r.target, f)).mode & 0o777, statSync(join(inst.dir, f)).mode & 0o777, `mode of ${f}`);
  }
  assert.equal(existsSync(join(r.target, 'backups')), false, 'the backups folder is not backed up');
  assert.deepEqual(leftovers(inst.dir), [`restore_${b.id}`]);
  await assert.rejects(restoreToFolder(inst.config(), { file: b.file, cwd: inst.dir }), /already exists/);
});

test('restore refuses a flipped bit anywhere in the file and leaves nothing behind (T-BK-03)', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  const size = statSync(b.file).size;
  const work = mkdtempSync(join(tmpdir(), 'aibridge-flip-'));
  for (const off of [0, 5, 9, 40, 120, 300, 560, size >> 1, size - 17, size - 16, size - 1]) {
    const copy = join(work, `c${off}.enc`);
    copyFileSync(b.file, copy);
    const buf = readFileSync(copy);
    buf[off] = (buf[off] as number) ^ 1;
    writeFileSync(copy, buf);
    // With an honest sidecar the sidecar catches it; with a recomputed sidecar the GCM tag must.
    await assert.rejects(restoreToFolder(inst.config(), { file: copy, cwd: inst.dir }), isRestoreError, `offset ${off}`);
    await writeSidecar(copy, await sha512OfFile(copy));
    await assert.rejects(restoreToFolder(inst.config(), { file: copy, cwd: inst.dir }), isRestoreError, `offset ${off} (resealed sidecar)`);
  }
  assert.deepEqual(leftovers(inst.dir), []);
});

test('restore refuses truncated, empty and extended files (T-BK-04)', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  const work = mkdtempSync(join(tmpdir(), 'aibridge-trunc-'));
  const cases: Array<[string, (p: string) => void]> = [
    ['truncated', (p) => truncateSync(p, statSync(p).size - 100)],
    ['empty', (p) => truncateSync(p, 0)],
    ['header only', (p) => truncateSync(p, 30)],
    ['garbage appended', (p) => appendFileSync(p, Buffer.alloc(64, 7))],
  ];
  for (const [name, mutate] of cases) {
    const copy = join(work, `${name}.enc`);
    copyFileSync(b.file, copy);
    mutate(copy);
    await writeSidecar(copy, await sha512OfFile(copy));
    await assert.rejects(restoreToFolder(inst.config(), { file: copy, cwd: inst.dir }), isRestoreError, name);
  }
  assert.deepEqual(leftovers(inst.dir), []);
});

test('restore with the wrong key says so and writes nothing (T-BK-02)', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  const other = writeKeyPair(mkdtempSync(join(tmpdir(), 'k-')), 'other');
  await assert.rejects(restoreToFolder(inst.config(), { file: b.file, keyPath: other.priv, cwd: inst.dir }), (e: unknown) => isRestoreError(e) && /Wrong key/.test((e as Error).message));
  assert.deepEqual(leftovers(inst.dir), []);
});

test('restore --verify checks without writing; a missing sidecar is refused', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  const v = await verifyBackup(inst.config(), { file: b.file, cwd: inst.dir });
  assert.ok(v.files >= 4);
  assert.deepEqual(leftovers(inst.dir), []);
  const work = mkdtempSync(join(tmpdir(), 'aibridge-nosc-'));
  copyFileSync(b.file, join(work, 'x.enc'));
  await assert.rejects(verifyBackup(inst.config(), { file: join(work, 'x.enc'), cwd: work }), /sidecar/);
  await assert.rejects(verifyBackup(inst.config(), { file: '/dev/null', cwd: work }), /not a regular file/);
});

test('restoreReplace() swaps items in, keeps the previous state and the live logs', async () => {
  const inst = fixtureInstall();
  const b = await createBackup(inst.config());
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'r1.md'), 'changed\n');
  writeFileSync(join(inst.dir, 'logs', 'app.log'), 'newer log\n');
  const r = await restoreReplace(inst.config(), { file: b.file, cwd: inst.dir });
  assert.equal(readFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'r1.md'), 'utf8'), 'report one\n');
  assert.equal(readFileSync(join(inst.dir, 'logs', 'app.log'), 'utf8'), 'newer log\n');
  assert.equal(readFileSync(join(r.previous as string, 'clients', 'alice', 'reports', 'r1.md'), 'utf8'), 'changed\n');
  assert.ok(!existsSync(join(inst.dir, '.restore-journal.json')));
  assert.deepEqual(readdirSync(inst.dir).filter((n) => n.startsWith('.restore-')), []);
});

function canonicalState(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const r = `${rel}/${n}`;
      const st = statSync(p);
      h.update(`${r}:${(st.mode & 0o777).toString(8)}\n`);
      if (st.isDirectory()) walk(p, r); else h.update(readFileSync(p));
    }
  };
  for (const top of ['.env', 'secrets', 'clients']) {
    const p = join(dir, top);
    if (statSync(p).isDirectory()) walk(p, top); else h.update(`${top}\n`).update(readFileSync(p));
  }
  return h.digest('hex');
}

test('a backup restored with --replace into a fresh install reproduces the state (T-BK-01)', async () => {
  const a = fixtureInstall();
  const b = await createBackup(a.config());
  const fresh = fixtureInstall();
  assert.notEqual(canonicalState(fresh.dir), canonicalState(a.dir));
  await restoreReplace(fresh.config(), { file: b.file, keyPath: join(a.dir, 'secrets', 'rsa_private.pem'), cwd: fresh.dir });
  assert.equal(canonicalState(fresh.dir), canonicalState(a.dir));
});

test('a version-2 backup (tar.gz, written by aibridge before issue 20) still verifies and restores; tampered, it is refused', async () => {
  const inst = fixtureInstall();
  const c = inst.config();
  const big = randomBytes(3 << 20);
  const file = join(inst.dir, 'backups', 'backup_old_h_20261130_100000.tar.gz.enc');
  mkdirSync(join(inst.dir, 'backups'), { recursive: true, mode: 0o700 });
  await writeV2Backup(file, loadPrivateKey(c.paths.rsaPrivateKey), 'old_h_20261130_100000', [
    { name: '.env', body: readFileSync(join(inst.dir, '.env')), mode: 0o600 },
    { name: 'clients', mode: 0o700 }, { name: 'clients/alice', mode: 0o700 }, { name: 'clients/alice/reports', mode: 0o750 },
    { name: 'clients/alice/reports/r1.md', body: Buffer.from('report one, as it was\n'), mode: 0o640 },
    { name: 'clients/alice/reports/big.bin', body: big, mode: 0o600 },
  ]);
  assert.equal(readFileSync(file)[4], 2, 'the fixture is a version-2 container');
  const v = await verifyBackup(c, { file, cwd: inst.dir });
  assert.equal(v.meta.id, 'old_h_20261130_100000');
  assert.equal(v.files, 3);
  const r = await restoreToFolder(c, { file, cwd: inst.dir });
  assert.equal(readFileSync(join(r.target, 'clients/alice/reports/r1.md'), 'utf8'), 'report one, as it was\n');
  assert.deepEqual(readFileSync(join(r.target, 'clients/alice/reports/big.bin')), big);
  assert.equal(statSync(join(r.target, 'clients/alice/reports/r1.md')).mode & 0o777, 0o640);
  assert.equal(statSync(join(r.target, 'clients/alice/reports')).mode & 0o777, 0o750);
  // Altered (sidecar resealed, so only the signature and the tag can notice): refused, nothing left.
  await assertFlippedCopiesRefused(c, inst.dir, file);
  assert.deepEqual(leftovers(inst.dir), [`restore_${v.meta.id}`]);
});

test('a version-4 backup stores what does not compress and compresses what does', async () => {
  const inst = fixtureInstall();
  const noise = randomBytes(4 << 20);
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'noise.bin'), noise);
  const small = await createBackup(inst.config());
  assert.equal(readFileSync(small.file)[4], 4, 'new backups are version 4');
  assert.ok(small.bytes > noise.length && small.bytes < noise.length * 1.01, `random data is stored, not grown (${small.bytes} bytes for ${noise.length})`);
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'noise.bin'), Buffer.alloc(4 << 20, 'line of a markdown report\n'));
  const text = await createBackup(inst.config(), { now: new Date(Date.now() + 1500) });
  assert.ok(text.bytes < (4 << 20) / 10, `text is compressed (${text.bytes} bytes)`);
  const r = await restoreToFolder(inst.config(), { file: small.file, cwd: inst.dir });
  assert.deepEqual(readFileSync(join(r.target, 'clients', 'alice', 'reports', 'noise.bin')), noise);
});

test('a version-3 backup (chunks, signature over the whole content, before the checkpoints) still verifies and restores; tampered, it is refused', async () => {
  const inst = fixtureInstall();
  const c = inst.config();
  const big = randomBytes(3 << 20);
  const text = Buffer.alloc(2 << 20, 'line of an old report\n');
  const file = join(inst.dir, 'backups', 'backup_v3_h_20261201_100000.tar.gz.enc');
  mkdirSync(join(inst.dir, 'backups'), { recursive: true, mode: 0o700 });
  await writeV3Backup(file, loadPrivateKey(c.paths.rsaPrivateKey), 'v3_h_20261201_100000', [
    { name: 'clients', mode: 0o700 }, { name: 'clients/alice', mode: 0o700 }, { name: 'clients/alice/reports', mode: 0o750 },
    { name: 'clients/alice/reports/r1.md', body: Buffer.from('report one, as it was\n'), mode: 0o640 },
    { name: 'clients/alice/reports/big.bin', body: big, mode: 0o600 },
    { name: 'clients/alice/reports/text.md', body: text, mode: 0o600 },
  ]);
  assert.equal(readFileSync(file)[4], 3, 'the fixture is a version-3 container');
  const v = await verifyBackup(c, { file, cwd: inst.dir });
  assert.equal(v.meta.id, 'v3_h_20261201_100000');
  assert.equal(v.files, 3);
  const r = await restoreToFolder(c, { file, cwd: inst.dir });
  assert.deepEqual(readFileSync(join(r.target, 'clients/alice/reports/big.bin')), big);
  assert.deepEqual(readFileSync(join(r.target, 'clients/alice/reports/text.md')), text);
  assert.equal(statSync(join(r.target, 'clients/alice/reports/r1.md')).mode & 0o777, 0o640);
  await assertFlippedCopiesRefused(c, inst.dir, file);
  assert.deepEqual(leftovers(inst.dir), [`restore_${v.meta.id}`]);
});

test('restore --verify of a version-4 backup (segments authenticated as they are read) refuses any altered, truncated or extended copy', async () => {
  const inst = fixtureInstall();
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'noise.bin'), randomBytes(5 * SEGMENT_BYTES));
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'text.md'), Buffer.alloc(3 * SEGMENT_BYTES, 'a line of a report\n'));
  const b = await createBackup(inst.config());
  const v = await verifyBackup(inst.config(), { file: b.file, cwd: inst.dir });
  assert.ok(v.files >= 6, `${v.files} files`);
  const size = statSync(b.file).size;
  const sigLen = readFileSync(b.file).readUInt16BE(size - 2);
  const countAt = size - 2 - sigLen - 4;
  const work = mkdtempSync(join(tmpdir(), 'aibridge-v4-'));
  // header, first segment, a segment boundary, a middle segment, the tag, a checkpoint, the count, the signature, its length
  const offsets = [4, 100, SEGMENT_BYTES - 1, SEGMENT_BYTES, 3 * SEGMENT_BYTES + 7, countAt - 64 * 3 - 1, countAt - 70, countAt - 1, countAt + 2, size - 3, size - 1];
  for (const off of offsets) {
    const copy = join(work, `c${off}.enc`);
    const buf = readFileSync(b.file);
    buf[off] = (buf[off] as number) ^ 1;
    writeFileSync(copy, buf);
    await assert.rejects(verifyBackup(inst.config(), { file: copy, cwd: work }), isRestoreError, `offset ${off} (honest sidecar)`);
    await writeSidecar(copy, await sha512OfFile(copy));
    await assert.rejects(verifyBackup(inst.config(), { file: copy, cwd: work }), isRestoreError, `offset ${off} (resealed sidecar)`);
  }
  // A middle segment altered, sidecar resealed: the checkpoint names it, before anything after it is decrypted.
  const mid = join(work, 'mid.enc');
  const buf = readFileSync(b.file);
  buf[2 * SEGMENT_BYTES + 5] = (buf[2 * SEGMENT_BYTES + 5] as number) ^ 1;
  writeFileSync(mid, buf);
  await writeSidecar(mid, await sha512OfFile(mid));
  await assert.rejects(verifyBackup(inst.config(), { file: mid, cwd: work }), /altered after it was signed: .*checkpoint 2\b/);
  await assert.rejects(restoreToFolder(inst.config(), { file: mid, cwd: inst.dir }), /altered after it was signed/);
  for (const [name, mutate] of [
    ['truncated', (p: string) => truncateSync(p, size - 100)],
    ['garbage appended', (p: string) => appendFileSync(p, Buffer.alloc(64, 7))],
  ] as const) {
    const copy = join(work, `${name}.enc`);
    copyFileSync(b.file, copy);
    mutate(copy);
    await writeSidecar(copy, await sha512OfFile(copy));
    await assert.rejects(verifyBackup(inst.config(), { file: copy, cwd: work }), isRestoreError, name);
  }
  assert.deepEqual(leftovers(inst.dir), []);
});
