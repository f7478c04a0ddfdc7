/**
 * A version-3 backup exactly as aibridge wrote them in issue 20 before the checkpoints (kept here
 * as that format's definition, for the tests that prove such backups still restore): the tar
 * (tar-header.ts) cut into chunks of at most 1 MiB, each framed as kind ‖ length ‖ bytes (zstd
 * for the ones that compress), AES-256-GCM with the header as AAD, and the RSA-PSS signature over
 * "aibridge-backup-v3\0" ‖ SHA-512(header ‖ ciphertext ‖ tag) right after the tag, then the
 * `.sha512` sidecar.
 */
import { constants, createCipheriv, createHash, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { zstdCompressSync } from 'node:zlib';
import { signPss } from '../../keys/pss-signature.ts';
import { encodeHeader } from '../backup/backup-format.ts';
import { CHUNK_BYTES } from '../backup/backup-chunks.ts';
import { TAR_END_BYTES, tarHeader, tarPadding } from '../backup/tar-header.ts';
import { writeSidecar } from '../backup/sidecar.ts';
import { keyFingerprint } from '../common/key-fingerprint.ts';

export interface V3Entry { name: string; body?: Buffer; mode: number }

export async function writeV3Backup(file: string, privateKey: KeyObject, id: string, entries: V3Entry[]): Promise<void> {
  const mtime = new Date('2026-12-01T10:00:00Z');
  const tar = Buffer.concat([
    ...entries.flatMap((e) => e.body === undefined
      ? [tarHeader({ name: e.name, type: 'directory', size: 0, mode: e.mode, mtime })]
      : [tarHeader({ name: e.name, type: 'file', size: e.body.length, mode: e.mode, mtime }), e.body, Buffer.alloc(tarPadding(e.body.length))]),
    Buffer.alloc(TAR_END_BYTES),
  ]);
  const frames: Buffer[] = [];
  for (let o = 0; o < tar.length; o += CHUNK_BYTES) {
    const chunk = tar.subarray(o, o + CHUNK_BYTES);
    const z = zstdCompressSync(chunk);
    const [kind, bytes] = z.length < chunk.length ? [1, z] : [0, chunk];
    const head = Buffer.alloc(5);
    head[0] = kind;
    head.writeUInt32BE(bytes.length, 1);
    frames.push(head, bytes);
  }
  const pub = createPublicKey(privateKey);
  const dek = randomBytes(32);
  const iv = randomBytes(12);
  const meta = { id, created: '2026-12-01T10:00:00.000Z', version: '0.1.0', host: 'v3-host', keyFingerprint: keyFingerprint(pub) };
  const header = encodeHeader(meta, publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha512' }, dek), iv, 3);
  const c = createCipheriv('aes-256-gcm', dek, iv).setAAD(header);
  const signed = Buffer.concat([header, c.update(Buffer.concat(frames)), c.final(), c.getAuthTag()]);
  const sig = signPss(privateKey, Buffer.concat([Buffer.from('aibridge-backup-v3\0', 'ascii'), createHash('sha512').update(signed).digest()]));
  const len = Buffer.alloc(2);
  len.writeUInt16BE(sig.length);
  const bytes = Buffer.concat([signed, sig, len]);
  writeFileSync(file, bytes, { mode: 0o600 });
  await writeSidecar(file, createHash('sha512').update(bytes).digest('hex'));
}
