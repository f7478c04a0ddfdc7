import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, publicEncrypt, randomBytes, createPublicKey, createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fixtureInstall } from '../testdata/fixture-install.ts';
import { createBackup } from './create-backup.ts';
import { newContainerHeader } from './backup-sealer.ts';
import { signPss } from '../../keys/pss-signature.ts';
import { checkpointMessage, decodeHeader, encodeHeader, signedMessage, CHECKPOINT_BYTES, IV_BYTES, SEGMENT_BYTES, TAG_BYTES } from './backup-format.ts';
import { verifyPss } from '../../keys/pss-signature.ts';
import { restoreToFolder } from '../restore/restore-backup.ts';
import { openBackup } from '../restore/open-backup.ts';
import { writeSidecar, sha512OfFile } from './sidecar.ts';
import { loadPrivateKey } from '../../keys/rsa-key-pair.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';

const META = (fp: string) => ({ id: 'v_h_20260101_000000', created: '2026-01-01T00:00:00.000Z', version: '0.1.0', host: 'h', keyFingerprint: fp });

test('swapping headers between two backups made with the same key fails authentication (T-BK-05)', async () => {
  const inst = fixtureInstall();
  const a = await createBackup(inst.config());
  const b = await createBackup(inst.config(), { now: new Date(Date.now() + 1500) });
  const A = readFileSync(a.file);
  const B = readFileSync(b.file);
  const ha = decodeHeader(A, A.length, 'a').bytes.length;
  const hb = decodeHeader(B, B.length, 'b').bytes.length;
  const swapped = join(mkdtempSync(join(tmpdir(), 'swap-')), 'x.enc');
  writeFileSync(swapped, Buffer.concat([B.subarray(0, hb), A.subarray(ha)]));
  await writeSidecar(swapped, await sha512OfFile(swapped));
  await assert.rejects(restoreToFolder(inst.config(), { file: swapped, cwd: inst.dir }), /failed authentication|not signed by this server/);
});

test('1000 containers never repeat an IV or wrapped key; the header is bound as AAD (T-BK-07)', async () => {
  const inst = fixtureInstall();
  const priv = loadPrivateKey(inst.config().paths.rsaPrivateKey);
  const pub = createPublicKey(priv);
  const ivs = new Set<string>();
  const wrapped = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const { header } = newContainerHeader(pub, META(keyFingerprint(pub)));
    const h = decodeHeader(header, header.length + 1 + TAG_BYTES + 258, 't');
    assert.equal(h.bytes.length, header.length);
    ivs.add(h.iv.toString('hex'));
    wrapped.add(h.wrappedKey.toString('hex'));
  }
  assert.equal(ivs.size, 1000);
  assert.equal(wrapped.size, 1000);
  // A whole version-4 container: header, ciphertext, tag, checkpoints, their count, signature
  // and its length, nothing else; checkpoint i is the SHA-512 of the content up to its segment's end.
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'noise.bin'), randomBytes(3 * SEGMENT_BYTES));
  const b = await createBackup(inst.config());
  const file = readFileSync(b.file);
  const h = decodeHeader(file, file.length, 'b');
  assert.equal(h.version, 4);
  const sig = file.readUInt16BE(file.length - 2);
  const opened = await openBackup(b.file, priv, 'server key');
  assert.equal(opened.bodyStart, h.bytes.length);
  const contentEnd = opened.bodyEnd + TAG_BYTES;
  const k = file.readUInt32BE(file.length - 2 - sig - 4);
  assert.equal(k, Math.ceil(contentEnd / SEGMENT_BYTES));
  assert.ok(k >= 4, `${k} checkpoints`);
  assert.equal(contentEnd + k * CHECKPOINT_BYTES + 4 + sig + 2, file.length);
  const checkpoints = file.subarray(contentEnd, contentEnd + k * CHECKPOINT_BYTES);
  for (let i = 0; i < k; i++) {
    const want = createHash('sha512').update(file.subarray(0, Math.min((i + 1) * SEGMENT_BYTES, contentEnd))).digest();
    assert.deepEqual(checkpoints.subarray(i * CHECKPOINT_BYTES, (i + 1) * CHECKPOINT_BYTES), want, `checkpoint ${i}`);
  }
  assert.ok(verifyPss(pub, checkpointMessage(h.bytes, checkpoints), file.subarray(file.length - 2 - sig, file.length - 2)), 'the signature covers header and checkpoints');
  assert.equal(b.bytes, file.length);
  assert.equal(b.sha512, createHash('sha512').update(file).digest('hex'));
  const aad = Buffer.from(h.bytes);
  aad[aad.length - 1] = aad[aad.length - 1]! ^ 1;
  const d = createDecipheriv('aes-256-gcm', opened.dek, h.iv).setAAD(aad).setAuthTag(opened.tag);
  d.update(file.subarray(opened.bodyStart, opened.bodyEnd));
  assert.throws(() => d.final(), /authenticate/, 'another header does not authenticate the body');
});

test('a data key wrapped with OAEP-SHA1 is refused (T-BK-07)', async () => {
  const inst = fixtureInstall();
  const c = inst.config();
  const pub = createPublicKey(readFileSync(c.paths.rsaPublicKey));
  const dek = randomBytes(32);
  const iv = randomBytes(IV_BYTES);
  // A version-3 layout (its signature covers the whole content, so it is checked before the unwrap).
  const header = encodeHeader(META(keyFingerprint(pub)), publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, dek), iv, 3);
  const cipher = createCipheriv('aes-256-gcm', dek, iv).setAAD(header);
  const body = Buffer.concat([cipher.update(Buffer.from('data')), cipher.final()]);
  const file = join(mkdtempSync(join(tmpdir(), 'sha1-')), 'x.enc');
  const signed = Buffer.concat([header, body, cipher.getAuthTag()]);
  const sig = signPss(loadPrivateKey(c.paths.rsaPrivateKey), signedMessage(createHash('sha512').update(signed).digest()));
  const len = Buffer.alloc(2); len.writeUInt16BE(sig.length);
  writeFileSync(file, Buffer.concat([signed, sig, len]));
  await writeSidecar(file, await sha512OfFile(file));
  await assert.rejects(openBackup(file, loadPrivateKey(c.paths.rsaPrivateKey), 'server key'), /Cannot unwrap/);
});

test('decodeHeader() refuses other magic, versions and lengths', () => {
  assert.throws(() => decodeHeader(Buffer.from('PK\x03\x04xxxxxxxx'), 100, 'f'), /wrong magic/);
  const h = Buffer.from('AIBK\x05\x00\x00\x00');
  assert.throws(() => decodeHeader(h, 100, 'f'), /format version 5 is not supported \(this build reads versions 2, 3, 4\)/);
  assert.throws(() => decodeHeader(Buffer.alloc(0), 0, 'f'), /empty/);
});
