/**
 * @module The encrypted backup container, version 1 (all integers big-endian):
 *
 *   offset  size     field
 *   0       4        magic "AIBK"
 *   4       1        format version = 1
 *   5       1        reserved = 0
 *   6       2        M = length of the metadata JSON (≤ 4096)
 *   8       M        metadata JSON: { id, created, version, host, keyFingerprint } (UTF-8)
 *   8+M     2        W = length of the wrapped key (256…1024)
 *   10+M    W        the 32-byte data key (DEK) wrapped with RSA-OAEP, SHA-512 and MGF1-SHA512
 *   10+M+W  12       GCM IV (random, 96 bits)
 *   H = 22+M+W       end of header
 *   H       n        AES-256-GCM ciphertext of the .tar.gz, one stream; AAD = header bytes [0, H)
 *   H+n     16       GCM tag
 *
 * The header is bound as AAD, so a swapped or edited header fails authentication (T-BK-05).
 * One GCM stream holds at most 64 GiB per (key, IV); every backup has a fresh DEK and IV.
 * keyFingerprint (SHA-256 of the public key's SPKI DER) lets restore say which key is needed.
 */
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';

export const MAGIC = Buffer.from('AIBK', 'ascii');
export const FORMAT_VERSION = 1;
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

export interface BackupHeader { bytes: Buffer; meta: BackupMeta; wrappedKey: Buffer; iv: Buffer }

/** Serialise a header (the AAD of the ciphertext). */
export function encodeHeader(meta: BackupMeta, wrappedKey: Buffer, iv: Buffer): Buffer {
  const metaBytes = Buffer.from(JSON.stringify(BACKUP_META_SCHEMA.parse(meta)), 'utf8');
  if (metaBytes.length > MAX_META_BYTES) throw new Error('backup metadata too long');
  if (iv.length !== IV_BYTES) throw new Error('IV must be 12 bytes');
  const fixed = Buffer.alloc(8);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt8(FORMAT_VERSION, 4);
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
  if (version !== FORMAT_VERSION) throw bad(file, `format version ${version} is not supported (this build reads version ${FORMAT_VERSION})`);
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
  if (fileSize < end + TAG_BYTES) throw bad(file, 'the file is truncated (no room for the authentication tag)');
  return { bytes: Buffer.from(head.subarray(0, end)), meta, wrappedKey: Buffer.from(head.subarray(10 + m, 10 + m + w)), iv: Buffer.from(head.subarray(10 + m + w, end)) };
}

/** Bytes to read to be sure the whole header is in hand. */
export const MAX_HEADER_BYTES = 10 + MAX_META_BYTES + MAX_WRAPPED + IV_BYTES;
