/**
 * @module The append-only, hash-chained audit log. Each append is one write(2) of one line on an
 * O_APPEND descriptor followed by fdatasync, under a cross-process lock, so kill -9 never loses an
 * acknowledged record and concurrent writers never interleave. Fails closed: if a record cannot be
 * made durable, `append` throws and the caller must not perform the action.
 */
import {
  closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync,
  readFileSync, statSync, writeSync, constants,
} from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { withFileLockSync } from '../lib/file-lock.ts';
import { archivePath, finishInterruptedRotation, rotateFile } from '../lib/rotate-file.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { formatRecord } from '../log/logger.ts';
import type { LogFields } from '../log/logger.ts';
import { GENESIS_HASH, hashLine } from './audit-record.ts';
import type { AuditCategory } from './audit-record.ts';
import { readAuditFile } from './audit-files.ts';
import { writeCheckpoint } from './checkpoint.ts';
import type { Signer } from './checkpoint.ts';

export interface AuditLogOptions {
  dir: string;
  rotateSize: number;
  rotateFiles: number;
  /** Where signed checkpoints live (outside the log folder, e.g. secrets/audit.checkpoint). */
  checkpointPath: string;
  /** Signs checkpoints; without it no checkpoint is written (read-only tools). */
  sign?: Signer;
  /** Records between two checkpoints (default 64); `close()` always writes one. */
  checkpointEvery?: number;
}

export interface AuditHead { seq: number; hash: string }

/** What an append returns: the record's place in the chain. */
export type AuditReceipt = AuditHead;

function lastLineOf(path: string): string | undefined {
  const f = readAuditFile(path);
  return f.lines[f.lines.length - 1];
}

function headFromLine(line: string | undefined): AuditHead | undefined {
  if (line === undefined) return undefined;
  const v = JSON.parse(line) as { seq?: unknown };
  if (typeof v.seq !== 'number') throw new Error('last audit record has no seq');
  return { seq: v.seq, hash: hashLine(line) };
}

/** Keys the chain owns; a caller field with one of these names is kept as `<key>_field`. */
const RESERVED_KEYS = new Set(['ts', 'seq', 'category', 'event', 'prev']);

function withoutReservedKeys(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[RESERVED_KEYS.has(k) ? `${k}_field` : k] = v;
  return out;
}

export class AuditLog {
  readonly path: string;
  #options: AuditLogOptions;
  #fd: number | undefined;
  #ino = 0;
  #size = -1;
  #head: AuditHead = { seq: 0, hash: GENESIS_HASH };
  #lastTs = 0;
  #sinceCheckpoint = 0;
  #healthy = true;
  #lastError: string | undefined;

  private constructor(options: AuditLogOptions) {
    this.#options = options;
    this.path = join(options.dir, 'audit.log');
  }

  /** Open the log: refuse a symlink, finish an interrupted rotation, quarantine a torn tail. */
  static open(options: AuditLogOptions): AuditLog {
    const log = new AuditLog(options);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    if (existsSync(log.path) && lstatSync(log.path).isSymbolicLink()) {
      throw new AppError('E_AUDIT_INVALID', `Refusing to open "${log.path}": it is a symbolic link`, { hint: 'replace it with the real audit log file' });
    }
    withFileLockSync(log.#lockPath(), () => {
      finishInterruptedRotation(log.path, options.rotateFiles);
      const torn = log.#quarantineTornTail();
      log.#refreshHead();
      if (torn) log.#appendLocked('SERVER', 'audit_recovered', torn);
    });
    return log;
  }

  /** Attach the checkpoint signer once the server key is loaded (start-up step 6). */
  setSigner(sign: Signer): void { this.#options = { ...this.#options, sign }; }

  get healthy(): boolean { return this.#healthy; }
  get lastError(): string | undefined { return this.#lastError; }
  get head(): AuditHead { return { ...this.#head }; }

  /** Append one record durably; throws E_AUDIT_WRITE (fail closed). */
  append(category: AuditCategory, event: string, fields: LogFields = {}): AuditReceipt {
    try {
      const receipt = withFileLockSync(this.#lockPath(), () => this.#appendLocked(category, event, fields));
      this.#healthy = true;
      this.#lastError = undefined;
      if (this.#options.sign && ++this.#sinceCheckpoint >= (this.#options.checkpointEvery ?? 64)) this.checkpoint();
      return receipt;
    } catch (err) {
      this.#healthy = false;
      this.#lastError = (err as Error).message;
      if (err instanceof AppError && err.code === 'E_AUDIT_WRITE') throw err;
      throw new AppError('E_AUDIT_WRITE', `Cannot write the audit record: ${(err as Error).message}`, {
        hint: 'the action was not performed; free disk space or fix the logs folder', cause: err,
      });
    }
  }

  /** Write a signed checkpoint of the current head (no-op without a signer). */
  checkpoint(): void {
    const sign = this.#options.sign;
    if (!sign) return;
    withFileLockSync(this.#lockPath(), () => {
      this.#refreshHead();
      if (this.#head.seq > 0) writeCheckpoint(this.#options.checkpointPath, this.#head, sign);
    });
    this.#sinceCheckpoint = 0;
  }

  /** Checkpoint and release the descriptor. */
  close(): void {
    try { this.checkpoint(); } finally {
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
    }
  }

  #lockPath(): string { return `${this.path}.lock`; }

  /** Reload the head from disk when another process appended or rotated since we last looked. */
  #refreshHead(): void {
    const st = existsSync(this.path) ? statSync(this.path) : undefined;
    if (st && this.#fd !== undefined && st.ino === this.#ino && st.size === this.#size) return;
    if (this.#fd !== undefined && (!st || st.ino !== this.#ino)) { closeSync(this.#fd); this.#fd = undefined; }
    const fromCurrent = st && st.size > 0 ? headFromLine(lastLineOf(this.path)) : undefined;
    const archive = archivePath(this.path, 1);
    this.#head = fromCurrent ?? (existsSync(archive) ? headFromLine(lastLineOf(archive)) : undefined) ?? { seq: 0, hash: GENESIS_HASH };
    this.#size = st?.size ?? 0;
  }

  #openFd(): number {
    if (this.#fd === undefined) {
      this.#fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
      const st = fstatSync(this.#fd);
      this.#ino = st.ino;
      this.#size = st.size;
    }
    return this.#fd;
  }

  #appendLocked(category: AuditCategory, event: string, fields: LogFields): AuditReceipt {
    this.#refreshHead();
    const now = Date.now();
    const extra: LogFields = {};
    // The chain relies on seq, not time; a clock jump backwards is itself recorded (T-AU-12).
    if (this.#lastTs && now < this.#lastTs) extra.clock_jump_ms = now - this.#lastTs;
    this.#lastTs = now;
    const seq = this.#head.seq + 1;
    const body = formatRecord({ ...withoutReservedKeys(fields), ...extra });
    const head = formatRecord({ ts: new Date(now).toISOString(), seq, category, event });
    const prev = `"prev":"${this.#head.hash}"`;
    const inner = body === '{}' ? '' : `,${body.slice(1, -1)}`;
    const line = `${head.slice(0, -1)}${inner},${prev}}`;
    const buf = Buffer.from(`${line}\n`, 'utf8');
    const fd = this.#openFd();
    const before = this.#size;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fdatasyncSync(fd);
    } catch (err) {
      try { ftruncateSync(fd, before); } catch { /* the torn tail is quarantined at next open */ }
      throw new AppError('E_AUDIT_WRITE', `Cannot write the audit record to "${this.path}": ${(err as Error).message}`, {
        hint: 'the action was not performed; free disk space or fix the logs folder', cause: err,
      });
    }
    this.#size = before + buf.length;
    this.#head = { seq, hash: hashLine(line) };
    if (this.#size >= this.#options.rotateSize) {
      closeSync(fd);
      this.#fd = undefined;
      rotateFile(this.path, this.#options.rotateFiles);
      this.#size = 0;
    }
    return { ...this.#head };
  }

  /** Move a torn last line (kill -9 mid-write) aside; returns what the recovery record says. */
  #quarantineTornTail(): LogFields | undefined {
    if (!existsSync(this.path)) return undefined;
    const data = readFileSync(this.path);
    if (data.length === 0 || data[data.length - 1] === 0x0a) return undefined;
    const cut = data.lastIndexOf(0x0a) + 1;
    const quarantine = `${this.path}.torn-${new Date().toISOString().replace(/[:.]/g, '')}`;
    writeFileAtomicSync(quarantine, data.subarray(cut), { mode: 0o600 });
    const fd = openSync(this.path, constants.O_WRONLY | constants.O_NOFOLLOW);
    try { ftruncateSync(fd, cut); fdatasyncSync(fd); } finally { closeSync(fd); }
    return { quarantined_bytes: data.length - cut, quarantine_file: quarantine };
  }
}
