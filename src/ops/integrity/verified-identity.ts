/**
 * @module The verified-identity record: after a full integrity check, the (dev, ino, size,
 * mtime_ns, ctime_ns) of each file whose SHA-512 matched the manifest, so that the start-up check
 * can accept a file whose identity is unchanged without reading it again. The kernel sets ctime on
 * every change of a file's content or inode and an unprivileged writer cannot set it back
 * (utimensat sets mtime only; ctime becomes "now"); a replaced file has a new inode. The full hash
 * still runs in the background right after listening, every INTEGRITY_CHECK_INTERVAL_HOURS and in
 * `aibridge integrity` (ARCHITECTURE.md, "Integrity at start-up", has the security argument).
 */
import { lstatSync, readFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';

/** What identifies one file's bytes on disk, as decimal strings (bigint nanoseconds). */
export interface FileIdentity { dev: string; ino: string; size: string; mtime_ns: string; ctime_ns: string }

/** Absolute path → the SHA-512 that was verified and the identity it had then. */
export type IdentityRecord = Record<string, FileIdentity & { sha512: string }>;

const FORMAT = 1;
/** A file changed this recently may share its ctime tick with a write still landing ("racy" in git's index): never recorded. */
const RACY_MARGIN_NS = 2_000_000_000n;

export function identityRecordPath(secretsDir: string): string {
  return join(secretsDir, 'integrity-verified.json');
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtime_ns: String(st.mtimeNs), ctime_ns: String(st.ctimeNs) };
}

/** The identity of `path` (lstat: a symbolic link is never a shipped file), or undefined. */
export function statIdentity(path: string): FileIdentity | undefined {
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isFile() ? identityOf(st) : undefined;
  } catch { return undefined; }
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtime_ns === b.mtime_ns && a.ctime_ns === b.ctime_ns;
}

/** True when the identity may be recorded: its ctime is older than `hashStartedNs` by the racy margin. */
export function isSettled(id: FileIdentity, hashStartedNs: bigint): boolean {
  return BigInt(id.ctime_ns) + RACY_MARGIN_NS <= hashStartedNs;
}

const DIGITS = /^[0-9]{1,40}$/;
function isEntry(v: unknown): v is FileIdentity & { sha512: string } {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.sha512 === 'string' && /^[0-9a-f]{128}$/.test(e.sha512)
    && ['dev', 'ino', 'size', 'mtime_ns', 'ctime_ns'].every((k) => typeof e[k] === 'string' && DIGITS.test(e[k] as string));
}

/**
 * The record, or an empty one when it is absent, unreadable, not ours to trust (writable by group
 * or others, not a regular file) or not in the expected format: then every file is hashed.
 */
export function readIdentityRecord(path: string): IdentityRecord {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || (st.mode & 0o022) !== 0 || (typeof process.getuid === 'function' && st.uid !== process.getuid())) return {};
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; files?: unknown };
    if (parsed.format !== FORMAT || typeof parsed.files !== 'object' || parsed.files === null) return {};
    const out: IdentityRecord = {};
    for (const [file, entry] of Object.entries(parsed.files)) if (isEntry(entry)) out[file] = entry;
    return out;
  } catch { return {}; }
}

/** Replace the record (atomic, mode 0600) with the files a full check verified. */
export function writeIdentityRecord(path: string, files: IdentityRecord, verifiedAt: string): void {
  writeFileAtomicSync(path, `${JSON.stringify({ format: FORMAT, verified_at: verifiedAt, files }, null, 1)}\n`, { mode: 0o600 });
}
