/**
 * @module The append-only, hash-chained audit log. Each append is one write(2) of one line on an
 * O_APPEND descriptor followed by fdatasync, under a cross-process lock, so kill -9 never loses an
 * acknowledged record and concurrent writers never interleave. Fails closed: if a record cannot be
 * made durable, `append` throws and the caller must not perform the action.
 */
import {
  closeSync, existsSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync,
  readFileSync, statSync, writeSync, constants,
} from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { withFileLockSync } from '../lib/file-lock.ts';
import { archivePath, finishInterruptedRotation, rotateFile } from '../lib/rotate-file.ts';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { formatAuditLine } from './audit-line.ts';
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

const WRITE_HINT = 'the action was not performed; free disk space or fix the logs folder';
const DURABLE_HINT = 'the action was not performed; check the disk';

/** The one error an append fails with (fail closed): E_AUDIT_WRITE naming what could not be done. */
function auditWriteError(err: unknown, what = 'Cannot write the audit record', hint = WRITE_HINT): AppError {
  if (err instanceof AppError && err.code === 'E_AUDIT_WRITE') return err;
  return new AppError('E_AUDIT_WRITE', `${what}: ${(err as Error).message}`, { hint, cause: err });
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
  /** Records waiting for the next group commit (appendAsync). */
  #pending: Array<{ category: AuditCategory; event: string; fields: LogFields; resolve(r: AuditReceipt): void; reject(e: unknown): void }> = [];
  #draining = false;
  /** fdatasync calls in flight on the thread pool; descriptors retired meanwhile close after them. */
  #syncing = 0;
  #retired: number[] = [];

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
      throw this.#failed(err);
    }
  }

  /** Mark the log unhealthy (for /status and /metrics) and give the error callers see. */
  #failed(err: unknown): AppError {
    this.#healthy = false;
    this.#lastError = (err as Error).message;
    return auditWriteError(err);
  }

  /**
   * Append durably without blocking the event loop: records queued while a commit is in flight are
   * written together (one write, one fdatasync on the thread pool: group commit, as databases do).
   * Resolves once the record is on disk; rejects with E_AUDIT_WRITE (fail closed) otherwise.
   */
  appendAsync(category: AuditCategory, event: string, fields: LogFields = {}): Promise<AuditReceipt> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ category, event, fields, resolve, reject });
      if (!this.#draining) { this.#draining = true; setImmediate(() => { void this.#drain(); }); }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length) {
      const batch = this.#pending.splice(0);
      let receipts: AuditReceipt[] = [];
      let fd: number | undefined;
      try {
        const written = withFileLockSync(this.#lockPath(), () => this.#writeBatchLocked(batch));
        receipts = written.receipts;
        fd = written.syncFd;
        if (fd !== undefined) await this.#syncAsync(fd);
        this.#healthy = true;
        this.#lastError = undefined;
        batch.forEach((b, i) => b.resolve(receipts[i] as AuditReceipt));
        this.#sinceCheckpoint += batch.length;
        if (this.#options.sign && this.#sinceCheckpoint >= (this.#options.checkpointEvery ?? 64)) {
          try { this.checkpoint(); } catch { /* the next checkpoint covers it; verify reports the gap */ }
        }
      } catch (err) {
        const e = this.#failed(err);
        for (const b of batch) b.reject(e);
      }
    }
    this.#draining = false;
  }

  /** Under the lock: one write of the whole batch. Returns the descriptor still to fdatasync. */
  #writeBatchLocked(batch: ReadonlyArray<{ category: AuditCategory; event: string; fields: LogFields }>): { receipts: AuditReceipt[]; syncFd: number | undefined } {
    this.#refreshHead();
    const receipts: AuditReceipt[] = [];
    const lines: string[] = [];
    let head = this.#head;
    for (const b of batch) {
      const line = this.#formatLine(b.category, b.event, b.fields, head);
      head = { seq: head.seq + 1, hash: hashLine(line) };
      lines.push(line);
      receipts.push({ ...head });
    }
    const buf = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const fd = this.#openFd();
    const before = this.#size;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      try { ftruncateSync(fd, before); } catch { /* the torn tail is quarantined at next open */ }
      throw auditWriteError(err, `Cannot write the audit record to "${this.path}"`);
    }
    this.#size = before + buf.length;
    this.#head = head;
    if (this.#size >= this.#options.rotateSize) {
      fdatasyncSync(fd);
      this.#closeFd();
      rotateFile(this.path, this.#options.rotateFiles);
      this.#size = 0;
      return { receipts, syncFd: undefined };
    }
    this.#syncing++;
    return { receipts, syncFd: fd };
  }

  #syncAsync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      fdatasync(fd, (err) => {
        this.#syncDone();
        if (err) reject(auditWriteError(err, `Cannot make the audit record durable in "${this.path}"`, DURABLE_HINT));
        else resolve();
      });
    });
  }

  #syncDone(): void {
    this.#syncing--;
    if (this.#syncing === 0) for (const old of this.#retired.splice(0)) { try { closeSync(old); } catch { /* already closed */ } }
  }

  /** Close the current descriptor, or retire it until in-flight fdatasync calls finish. */
  #closeFd(): void {
    if (this.#fd === undefined) return;
    if (this.#syncing > 0) this.#retired.push(this.#fd); else closeSync(this.#fd);
    this.#fd = undefined;
  }

  #formatLine(category: AuditCategory, event: string, fields: LogFields, head: AuditHead): string {
    const now = Date.now();
    // The chain relies on seq, not time; a clock jump backwards is itself recorded (T-AU-12).
    const jumpMs = this.#lastTs && now < this.#lastTs ? now - this.#lastTs : undefined;
    this.#lastTs = now;
    return formatAuditLine({ now, category, event, fields, head, jumpMs });
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
      this.#closeFd();
    }
  }

  #lockPath(): string { return `${this.path}.lock`; }

  /** Reload the head from disk when another process appended or rotated since we last looked. */
  #refreshHead(): void {
    const st = existsSync(this.path) ? statSync(this.path) : undefined;
    if (st && this.#fd !== undefined && st.ino === this.#ino && st.size === this.#size) return;
    if (this.#fd !== undefined && (!st || st.ino !== this.#ino)) this.#closeFd();
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
    const { receipts, syncFd } = this.#writeBatchLocked([{ category, event, fields }]);
    if (syncFd !== undefined) {
      try { fdatasyncSync(syncFd); } catch (err) {
        throw auditWriteError(err, `Cannot make the audit record durable in "${this.path}"`, DURABLE_HINT);
      } finally { this.#syncDone(); }
    }
    return receipts[0] as AuditReceipt;
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
