/**
 * A version-2 backup exactly as aibridge wrote them before issue 20 (kept here as the old
 * format's definition, for the tests that prove such backups still restore): the tar of the
 * files as one gzip stream, AES-256-GCM with the header as AAD, and the RSA-PSS signature over
 * "aibridge-backup-v2\0" ‖ SHA-512(header ‖ ciphertext ‖ tag), then the `.sha512` sidecar.
 */
import { constants, createCipheriv, createHash, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { signPss } from '../../keys/pss-signature.ts';
import { encodeHeader } from '../backup/backup-format.ts';
import { writeSidecar } from '../backup/sidecar.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';

export interface V2Entry { name: string; body?: Buffer; mode: number }

export async function writeV2Backup(file: string, privateKey: KeyObject, id: string, entries: V2Entry[]): Promise<void> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.body === undefined) pack.entry({ name: `${e.name}/`, type: 'directory', mode: e.mode, uid: 0, gid: 0 });
    else pack.entry({ name: e.name, type: 'file', mode: e.mode, uid: 0, gid: 0 }, e.body);
  }
  pack.finalize();
  const payload = gzipSync(await buffer(pack), { level: 1 });
  const pub = createPublicKey(privateKey);
  const dek = randomBytes(32);
  const iv = randomBytes(12);
  const meta = { id, created: '2026-11-30T10:00:00.000Z', version: '0.9.0', host: 'old-host', keyFingerprint: keyFingerprint(pub) };
  const header = encodeHeader(meta, publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, dek), iv);
  header.writeUInt8(2, 4);
  const c = createCipheriv('aes-256-gcm', dek, iv).setAAD(header);
  const signed = Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag()]);
  const sig = signPss(privateKey, Buffer.concat([Buffer.from('aibridge-backup-v2\0', 'ascii'), createHash('sha512').update(signed).digest()]));
  const len = Buffer.alloc(2);
  len.writeUInt16BE(sig.length);
  const bytes = Buffer.concat([signed, sig, len]);
  writeFileSync(file, bytes, { mode: 0o600 });
  await writeSidecar(file, createHash('sha512').update(bytes).digest('hex'));
}
