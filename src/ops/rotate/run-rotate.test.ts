import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { runRotate, recoverInterruptedRotation } from './run-rotate.ts';
import { createBackup } from '../backup/create-backup.ts';
import { restoreToFolder } from '../restore/restore-backup.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { verifyAuditLog } from '../../audit/verify-audit-log.ts';
import { loadPublicKey, loadPrivateKey, keysMatch } from '../../keys/rsa-key-pair.ts';
import { acquireServeLock } from '../../lib/instance-lock.ts';
import { checkpointPath } from '../../audit/open-logs.ts';
import { fileDate } from '../common/timestamp.ts';
import { AppError } from '../../lib/errors.ts';
import { storeSftpPassword, verifySftpPassword } from '../backup/sftp/store-sftp-password.ts';
import { NEW_SUFFIX, writeJournal } from './rotation-journal.ts';
import { loadConfig } from '../../config/load-config.ts';

function auditOk(dir: string): void {
  const c = loadConfig(dir);
  const r = verifyAuditLog({ logsDir: c.paths.logsDir, checkpointPath: checkpointPath(c), publicKey: loadPublicKey(c.paths.rsaPublicKey) });
  assert.equal(r.ok, true, r.ok ? '' : `${r.reason}`);
}

test('rotate archives the pair without overwriting same-day archives and re-signs the audit checkpoint', async () => {
  const inst = fixtureInstall();
  const a = openOpsAudit(inst.config());
  a.append('SERVER', 'server_started', {});
  a.close();
  auditOk(inst.dir);
  const oldPub = readFileSync(join(inst.dir, 'secrets', 'rsa_public.pem'), 'utf8');
  const r1 = await runRotate(inst.dir, () => undefined);
  const day = fileDate(new Date());
  assert.equal(r1.archivedPrivate, `rsa_private.pem.archived.${day}`);
  assert.equal(readFileSync(join(inst.dir, 'secrets', r1.archivedPublic), 'utf8'), oldPub);
  auditOk(inst.dir);
  const r2 = await runRotate(inst.dir, () => undefined);
  assert.equal(r2.archivedPrivate, `rsa_private.pem.archived.${day}-2`);
  assert.notEqual(readFileSync(join(inst.dir, 'secrets', r2.archivedPrivate), 'utf8'), readFileSync(join(inst.dir, 'secrets', r1.archivedPrivate), 'utf8'));
  const c = inst.config();
  assert.ok(keysMatch(loadPrivateKey(c.paths.rsaPrivateKey), loadPublicKey(c.paths.rsaPublicKey)));
  auditOk(inst.dir);
  assert.match(readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8'), /rsa_key_rotated/);
});

test('after rotation old backups need the archived key and new backups use the new key (T-BK-12)', async () => {
  const inst = fixtureInstall();
  const old = await createBackup(inst.config());
  const r = await runRotate(inst.dir, () => undefined);
  await assert.rejects(restoreToFolder(inst.config(), { file: old.file, cwd: inst.dir }), /Wrong key/);
  const ok = await restoreToFolder(inst.config(), { file: old.file, keyPath: join('secrets', r.archivedPrivate), cwd: inst.dir });
  assert.ok(existsSync(join(ok.target, '.env')));
  const fresh = await createBackup(inst.config(), { now: new Date(Date.now() + 2000) });
  await assert.rejects(restoreToFolder(inst.config(), { file: fresh.file, keyPath: join('secrets', r.archivedPrivate), cwd: inst.dir }), /Wrong key/);
});

test('rotate re-encrypts BACKUP_SFTP_PASSWORD_ENC under the new key', async () => {
  const inst = fixtureInstall();
  storeSftpPassword(inst.config(), 'pw-canary');
  const r = await runRotate(inst.dir, () => undefined);
  assert.equal(r.sftpPasswordReencrypted, true);
  assert.equal(verifySftpPassword(inst.config(), 'pw-canary'), true);
});

test('rotate refuses while the server runs (serve lock of a live process; a bare pid file is not proof)', async () => {
  const inst = fixtureInstall();
  writeFileSync(join(inst.dir, 'aibridge.pid'), `${process.pid}\n`);
  const lock = acquireServeLock(inst.dir);
  try {
    await assert.rejects(runRotate(inst.dir, () => undefined), (e: unknown) => e instanceof AppError && e.code === 'E_RUNNING');
  } finally { lock.release(); }
  assert.deepEqual(readdirSync(join(inst.dir, 'secrets')).filter((n) => n.includes('archived')), []);
});

test('an interrupted rotation rolls forward with a journal and back without one (T-BK-11)', async () => {
  const inst = fixtureInstall();
  const c = inst.config();
  const s = c.paths.secretsDir;
  // Without a journal: stray new files are removed, the old pair stays.
  const before = readFileSync(c.paths.rsaPrivateKey, 'utf8');
  writeFileSync(c.paths.rsaPrivateKey + NEW_SUFFIX, 'partial');
  assert.match(recoverInterruptedRotation(c) ?? '', /rolled back/);
  assert.equal(readFileSync(c.paths.rsaPrivateKey, 'utf8'), before);
  assert.equal(existsSync(c.paths.rsaPrivateKey + NEW_SUFFIX), false);
  // With a journal, after the private key was renamed but not the public one: finished.
  const other = fixtureInstall();
  copyFileSync(join(other.dir, 'secrets', 'rsa_private.pem'), c.paths.rsaPrivateKey);
  copyFileSync(join(other.dir, 'secrets', 'rsa_public.pem'), c.paths.rsaPublicKey + NEW_SUFFIX);
  writeJournal(s, { targets: [c.paths.rsaPrivateKey, c.paths.rsaPublicKey], archivedPrivate: 'x', archivedPublic: 'y' });
  assert.match(recoverInterruptedRotation(c) ?? '', /completed/);
  assert.ok(keysMatch(loadPrivateKey(c.paths.rsaPrivateKey), loadPublicKey(c.paths.rsaPublicKey)));
  assert.equal(existsSync(join(s, 'rotate.journal')), false);
});
