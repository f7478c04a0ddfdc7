/**
 * Issue #12 item 1 (T-BK-03, T-BK-05): a backup is authentic only by the server's private-key
 * signature, and `restore --replace` installs exactly .env, secrets, clients, profiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { buffer } from 'node:stream/consumers';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { createBackup } from '../backup/create-backup.ts';
import { encodeHeader } from '../backup/backup-format.ts';
import { sha512OfFile, writeSidecar } from '../backup/sidecar.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';
import { loadPublicKey } from '../../keys/rsa-key-pair.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { verifyBackup } from './verify-backup.ts';
import { restoreReplace } from './restore-backup.ts';

async function tarGz(entries: Array<{ name: string; body?: string; mode?: number }>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.body === undefined) pack.entry({ name: e.name, type: 'directory', mode: e.mode ?? 0o700 });
    else pack.entry({ name: e.name, mode: e.mode ?? 0o600 }, e.body);
  }
  pack.finalize();
  return gzipSync(await buffer(pack));
}

/** The forger's tool: only the public key (and optionally a signing key of their own). */
function forge(pub: KeyObject, payload: Buffer, version: 1 | 2, signer?: KeyObject): Buffer {
  const dek = randomBytes(32);
  const iv = randomBytes(12);
  const meta = { id: 'forged_h_20260101_000000', created: '2026-01-01T00:00:00.000Z', version: '0.1.0', host: 'h', keyFingerprint: keyFingerprint(pub) };
  const header = encodeHeader(meta, publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, dek), iv);
  header.writeUInt8(version, 4);
  const c = createCipheriv('aes-256-gcm', dek, iv).setAAD(header);
  const body = Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag()]);
  if (version === 1) return body;
  const sig = signer ? signPss(signer, body) : randomBytes(256);
  const len = Buffer.alloc(2); len.writeUInt16BE(sig.length);
  return Buffer.concat([body, sig, len]);
}

test('#12.1 a backup built with only the public key is never authenticated (v1 layout, v2 with a foreign or random signature)', async () => {
  const inst = fixtureInstall();
  const c = inst.config();
  const pub = loadPublicKey(c.paths.rsaPublicKey);
  const payload = await tarGz([{ name: 'aibridge', body: '#!/bin/sh\necho pwned\n', mode: 0o755 }, { name: '.env', body: 'X=1\n' }]);
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const forgeries = [forge(pub, payload, 1), forge(pub, payload, 2), forge(pub, payload, 2, attacker)];
  for (const [i, bytes] of forgeries.entries()) {
    const file = join(inst.dir, 'backups', `forged${i}.tar.gz.enc`);
    mkdirSync(join(inst.dir, 'backups'), { recursive: true, mode: 0o700 });
    writeFileSync(file, bytes);
    await writeSidecar(file, await sha512OfFile(file));
    await assert.rejects(verifyBackup(c, { file, cwd: inst.dir }), /not signed by this server's key|version 1 backup|no valid signature/, `forgery ${i}`);
    await assert.rejects(restoreReplace(c, { file, cwd: inst.dir }), /E_RESTORE|not signed|version 1|signature/, `forgery ${i} (replace)`);
    assert.equal(existsSync(join(inst.dir, 'aibridge')), false);
  }
  // The genuine backup still verifies, and a copy with its signature moved onto other content does not.
  const b = await createBackup(c);
  await verifyBackup(c, { file: b.file, cwd: inst.dir });
  const real = readFileSync(b.file);
  const sigLen = real.readUInt16BE(real.length - 2);
  const f = forge(pub, payload, 2);
  const spliced = Buffer.concat([f.subarray(0, f.length - 258), real.subarray(real.length - 2 - sigLen)]);
  const file = join(inst.dir, 'backups', 'spliced.tar.gz.enc');
  writeFileSync(file, spliced);
  await writeSidecar(file, await sha512OfFile(file));
  await assert.rejects(verifyBackup(c, { file, cwd: inst.dir }), /not signed by this server's key/);
});

test('#12.1 restore --replace installs exactly .env, secrets, clients, profiles and refuses executables', async () => {
  const inst = fixtureInstall();
  writeFileSync(join(inst.dir, 'run.sh'), '#!/bin/sh\necho planted\n', { mode: 0o755 });
  mkdirSync(join(inst.dir, 'plugins'), { mode: 0o700 });
  writeFileSync(join(inst.dir, 'plugins', 'x.js'), 'process.exit(1)\n', { mode: 0o600 });
  const b = await createBackup(inst.config());
  for (const p of ['run.sh', 'plugins/x.js']) writeFileSync(join(inst.dir, p), 'live\n');
  const r = await restoreReplace(inst.config(), { file: b.file, cwd: inst.dir });
  assert.deepEqual(r.replaced, ['.env', 'clients', 'secrets']);
  assert.ok(r.refused?.includes('run.sh') && r.refused.includes('plugins'), `refused: ${r.refused}`);
  assert.equal(readFileSync(join(inst.dir, 'run.sh'), 'utf8'), 'live\n', 'a top-level file outside the set is not installed');
  assert.equal(readFileSync(join(inst.dir, 'plugins', 'x.js'), 'utf8'), 'live\n');

  // An executable inside an allowed folder refuses the whole restore before anything changes.
  const inst2 = fixtureInstall();
  writeFileSync(join(inst2.dir, 'secrets', 'hook'), '#!/bin/sh\n', { mode: 0o700 });
  chmodSync(join(inst2.dir, 'secrets', 'hook'), 0o700);
  const b2 = await createBackup(inst2.config());
  const envBefore = readFileSync(join(inst2.dir, '.env'));
  let stopped = false;
  await assert.rejects(restoreReplace(inst2.config(), { file: b2.file, cwd: inst2.dir }, async () => { stopped = true; }), /executable/);
  assert.equal(stopped, false, 'the server is not stopped for a refused backup');
  assert.deepEqual(readFileSync(join(inst2.dir, '.env')), envBefore);
});
