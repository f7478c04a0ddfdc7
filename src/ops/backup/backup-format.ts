/**
 * @module The encrypted backup container, version 4 (all integers big-endian):
 *
 *   offset  size     field
 *   0       4        magic "AIBK"
 *   4       1        format version = 4 (2 and 3 are still read, see below)
 *   5       1        reserved = 0
 *   6       2        M = length of the metadata JSON (≤ 4096)
 *   8       M        metadata JSON: { id, created, version, host, keyFingerprint } (UTF-8)
 *   8+M     2        W = length of the wrapped key (256…1024)
 *   10+M    W        the 32-byte data key (DEK) wrapped with RSA-OAEP, SHA-512 and MGF1-SHA512
 *   10+M+W  12       GCM IV (random, 96 bits)
 *   H = 22+M+W       end of header
 *   H       n        AES-256-GCM ciphertext of the payload, one stream; AAD = header bytes [0, H)
 *   H+n     16       GCM tag
 *   T = H+n+16       end of the content
 *   T       64·k     checkpoints: entry i = SHA-512(bytes [0, min((i+1)·SEGMENT_BYTES, T))),
 *                    k = ceil(T / SEGMENT_BYTES); the last entry is the digest of the whole content
 *   T+64k   4        k
 *   T+64k+4 S        RSA-PSS/SHA-512 signature by the server's PRIVATE key over SIGNED_PREFIX ‖
 *                    SHA-512(header ‖ checkpoints); the prefix names the version ("aibridge-backup-v4\0")
 *   end-2   2        S (256…1024)
 *
 * Why the checkpoints (version 4, issue 20): restore checks the signature before it decrypts
 * anything, and in version 3 the signature covered the digest of the whole content, so a restore
 * had to hash every byte (SHA-512, ≈ 0.9 s for a 500 MiB file here) before it could decrypt the
 * first one. Here the signature covers the header and the running SHA-512 at every SEGMENT_BYTES
 * of the content: it is checked first (a small read), then one read hashes the file and each
 * segment is authenticated as soon as the running digest matches its checkpoint, and only then
 * handed to decryption, on the other core (restore --verify, open-backup.ts). The writer takes a
 * copy of the running hash at each boundary of the one SHA-512 pass it already made for the
 * sidecar and the signature, so the checkpoints cost nothing measurable.
 *
 * Version 3 (issue 20, before the checkpoints) ends with the signature right after the tag, over
 * SIGNED_PREFIX ("aibridge-backup-v3\0") ‖ SHA-512(bytes [0, T)). In versions 3 and 4 the payload
 * is a tar of the install cut into chunks of at most 1 MiB, each framed as kind (1 byte: 0
 * stored, 1 zstd) ‖ length (4 bytes) ‖ bytes: a chunk is zstd-compressed only when a sample of it
 * compresses, so already-compressed data (reports as .gz/.zip/.png, keys, older backups) is stored
 * as it is instead of costing a compressor's time (backup-chunks.ts). Version 2 (aibridge before
 * issue 20) holds the tar as one gzip stream and signs like version 3 with the prefix
 * "aibridge-backup-v2\0". Versions 2 and 3 are still restored and verified.
 *
 * Rule (issue #12 item 1, T-BK-03/T-BK-05): a backup is authentic only when that signature
 * verifies with the public half of the key the backup names (the restore key, or an archived key
 * for older backups). GCM and the sidecar hash prove integrity, not origin: anyone holding the
 * 644 public key can wrap a DEK and compute both, so neither is ever taken as proof of origin.
 * Version 1 (no signature) is refused for that reason. Restore checks the signature over the
 * whole content before any of the payload is decrypted or parsed: in version 4 a segment only
 * once the digest of everything up to its end matches its signed checkpoint (open-backup.ts).
 * The header is bound as AAD, so a swapped or edited header fails authentication (T-BK-05).
 * One GCM stream holds at most 64 GiB per (key, IV); every backup has a fresh DEK and IV.
 * keyFingerprint (SHA-256 of the public key's SPKI DER) lets restore say which key is needed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';

export const MAGIC = Buffer.from('AIBK', 'ascii');
/** The version this build writes. */
export const FORMAT_VERSION = 4;
/** Versions this build reads: 4, 3 (issue 20 before the checkpoints) and 2 (aibridge before issue 20). */
export const READABLE_VERSIONS: readonly number[] = [2, 3, 4];
/** Version 4: content bytes between two checkpoints. */
export const SEGMENT_BYTES = 1 << 20;
export const CHECKPOINT_BYTES = 64;
/** The 4-byte checkpoint count after the checkpoints. */
export const COUNT_BYTES = 4;
/** At most this many checkpoints: one GCM stream holds at most 64 GiB, plus the header and tag. */
export const MAX_CHECKPOINTS = (64 << 10) + 1;
/** Checkpoints of a version-4 container whose content ends at `contentEnd`. */
export function checkpointCount(contentEnd: number): number {
  return Math.ceil(contentEnd / SEGMENT_BYTES);
}
/** The signature's domain prefix for a format version. */
export function signedPrefix(version: number): Buffer {
  return Buffer.from(`aibridge-backup-v${version}\0`, 'ascii');
}
/** Versions 2 and 3: the signed message is the version's prefix and the SHA-512 digest of every byte before the signature. */
export function signedMessage(contentDigest: Buffer, version: 2 | 3 = 3): Buffer {
  return Buffer.concat([signedPrefix(version), contentDigest]);
}
/** Version 4: the signed message is the prefix and the SHA-512 of the header and the checkpoints. */
export function checkpointMessage(header: Buffer, checkpoints: Buffer): Buffer {
  return Buffer.concat([signedPrefix(4), createHash('sha512').update(header).update(checkpoints).digest()]);
}
export const MIN_SIGNATURE = 256;
export const MAX_SIGNATURE = 1024;
/** Bytes after the tag: signature and its 2-byte length. */
export const SIG_LEN_BYTES = 2;
export const DEK_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const MAX_META_BYTES = 4096;
const MIN_WRAPPED = 256;
const MAX_WRAPPED = 1024;

export const BACKUP_META_SCHEMA = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,160}$/),
  created: z.string().max(40),
  version: z.string().max(40),
  host: z.string().max(80),
  keyFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
}).strict();

export type BackupMeta = z.infer<typeof BACKUP_META_SCHEMA>;

export interface BackupHeader { bytes: Buffer; version: number; meta: BackupMeta; wrappedKey: Buffer; iv: Buffer }

/** Serialise a header (the AAD of the ciphertext); `version` other than FORMAT_VERSION only for tests of older readers. */
export function encodeHeader(meta: BackupMeta, wrappedKey: Buffer, iv: Buffer, version: number = FORMAT_VERSION): Buffer {
  const metaBytes = Buffer.from(JSON.stringify(BACKUP_META_SCHEMA.parse(meta)), 'utf8');
  if (metaBytes.length > MAX_META_BYTES) throw new Error('backup metadata too long');
  if (iv.length !== IV_BYTES) throw new Error('IV must be 12 bytes');
  const fixed = Buffer.alloc(8);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt8(version, 4);
  fixed.writeUInt16BE(metaBytes.length, 6);
  const wlen = Buffer.alloc(2);
  wlen.writeUInt16BE(wrappedKey.length, 0);
  return Buffer.concat([fixed, metaBytes, wlen, wrappedKey, iv]);
}

function bad(file: string, why: string): AppError {
  return new AppError('E_RESTORE', `"${file}" is not a readable aibridge backup: ${why}`, {
    hint: 'check that this is a backup_*.tar.gz.enc file and that it was copied completely',
  });
}

/**
 * Parse a header from the first bytes of a file (`head` holds at least the header).
 * `fileSize` rejects files too short to hold a tag.
 */
export function decodeHeader(head: Buffer, fileSize: number, file: string): BackupHeader {
  if (head.length < 8 || !head.subarray(0, 4).equals(MAGIC)) throw bad(file, head.length === 0 ? 'the file is empty' : 'wrong magic bytes');
  const version = head.readUInt8(4);
  if (version === 1) {
    throw new AppError('E_RESTORE', `"${file}" is a version 1 backup: it carries no signature by the server's private key, so its origin cannot be proven`, {
      hint: 'anyone with the public key can build such a file; make a new backup with this version (aibridge backup) and use that',
    });
  }
  if (!READABLE_VERSIONS.includes(version)) throw bad(file, `format version ${version} is not supported (this build reads versions ${READABLE_VERSIONS.join(', ')})`);
  const m = head.readUInt16BE(6);
  if (m > MAX_META_BYTES || head.length < 10 + m) throw bad(file, 'truncated header');
  let meta: BackupMeta;
  try {
    meta = BACKUP_META_SCHEMA.parse(JSON.parse(head.subarray(8, 8 + m).toString('utf8')));
  } catch { throw bad(file, 'damaged metadata'); }
  const w = head.readUInt16BE(8 + m);
  if (w < MIN_WRAPPED || w > MAX_WRAPPED) throw bad(file, 'damaged key block');
  const end = 10 + m + w + IV_BYTES;
  if (head.length < end) throw bad(file, 'truncated header');
  if (fileSize < end + TAG_BYTES + MIN_SIGNATURE + SIG_LEN_BYTES) throw bad(file, 'the file is truncated (no room for the authentication tag and signature)');
  return { bytes: Buffer.from(head.subarray(0, end)), version, meta, wrappedKey: Buffer.from(head.subarray(10 + m, 10 + m + w)), iv: Buffer.from(head.subarray(10 + m + w, end)) };
}

/** Bytes to read to be sure the whole header is in hand. */
export const MAX_HEADER_BYTES = 10 + MAX_META_BYTES + MAX_WRAPPED + IV_BYTES;
