/**
 * @module The payload of a version-3 backup (backup-format.ts): the tar cut into chunks of at
 * most CHUNK_BYTES, each framed as kind (1 byte) ‖ length (4 bytes, big-endian) ‖ bytes, where
 * kind 0 is the chunk stored as it is and kind 1 one zstd frame of it.
 *
 * Why (issue 20): gzip on one core held backups at 35 MiB/s, and most of an install's bytes
 * (reports as .gz/.zip/.png/.pdf, earlier exports, keys) do not compress at all. A chunk is
 * compressed only when a SAMPLE_BYTES sample of it shrinks below SAMPLE_RATIO; otherwise it is
 * stored, which costs nothing. ZSTD_LEVEL was chosen by measurement (bench/README.md).
 * The seal worker writes chunks (ops/backup/seal-worker.ts), the payload worker reads them
 * (ops/restore/open-worker.ts, bounded: a frame longer than MAX_FRAME, an unknown kind, a zstd
 * frame that expands beyond CHUNK_BYTES or a truncated frame is an error), both with these constants.
 */

export const CHUNK_BYTES = 1 << 20;
export const ZSTD_LEVEL = 1;
export const SAMPLE_BYTES = 32 << 10;
export const SAMPLE_RATIO = 0.9;
/** kind (1 byte) ‖ length (4 bytes). */
export const FRAME_HEAD = 5;
/** Upper bound on a compressed chunk (zstd's worst case is a little over the input). */
export const MAX_FRAME = CHUNK_BYTES + (CHUNK_BYTES >> 7) + 1024;
