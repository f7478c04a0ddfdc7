/**
 * @module The append-only, hash-chained audit log. Each append is one write(2) of one line on an
 * O_APPEND descriptor followed by fdatasync, under a cross-process lock, so kill -9 never loses an
 * acknowledged record and concurrent writers never interleave. Fails closed: if a record cannot be
 * made durable, `append` throws and the caller must not perform the action. Group commits
 * (`appendAsync`) keep the lock file between commits while they keep coming (`FileLockLease`): a
 * busy server does not create and unlink it per commit, and another process still gets it within
 * a fraction of a second.
 */
import {
  closeSync, existsSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync,
  readFileSync, readSync, renameSync, statSync, unlinkSync, writeSync, constants,
} from 'node:fs';
import { hash } from 'node:crypto';
import { basename, join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { FileLockLease, withFileLockSync } from '../lib/file-lock.ts';
import { archivePath, finishInterruptedRotation, rotateFile } from '../lib/rotate-file.ts';
import { fsyncDirSync, writeFileAtomicSync } from '../lib/atomic-write.ts';
import { formatAuditLine } from './audit-line.ts';
import type { LogFields } from '../log/logger.ts';
import { GENESIS_HASH, hashLine } from './audit-record.ts';
import type { AuditCategory } from './audit-record.ts';
import { leadingLines, listAuditFiles, readAuditFile } from './audit-files.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import type { ChainMark, Checkpoint, Signer, Verifier } from './checkpoint.ts';

export interface AuditLogOptions {
  dir: string;
  rotateSize: number;
  rotateFiles: number;
  /** Where signed checkpoints live (outside the log folder, e.g. secrets/audit.checkpoint). */
  checkpointPath: string;
  /** Several instances (STATE_BACKEND=valkey): every record names the instance that wrote it. */
  instance?: string;
  /** Signs checkpoints; without it no checkpoint is written (read-only tools). */
  sign?: Signer;
  /** Records between two checkpoints (default 64); `close()` always writes one. */
  checkpointEvery?: number;
  /** Checks the last checkpoint's signature before extending it (the public half of `sign`'s key). */
  verify?: Verifier;
  /**
   * Archives whose newest record is younger than this many days are never deleted
   * (AUDIT_RETENTION_DAYS; default 365). Archives are never deleted by count.
   */
  retentionDays?: number;
  /** Told about a CRITICAL finding (tampering); stderr always is. */
  onCritical?: (event: string, fields: LogFields) => void;
  /** Clock for retention decisions (tests). */
  now?: () => number;
}

/** What the chain on disk says about itself: its first record and the record a checkpoint names. */
interface ChainScan { first: { seq: number; hash: string; prev: string } | undefined; found: string | undefined }

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
  /**
   * No record existed anywhere when this process opened the log (no audit.log record, no archive),
   * and no checkpoint has been seen or signed since: only then is a missing checkpoint not
   * suspicious (a new chain's first). Cleared for good by the first checkpoint seen or signed, so
   * one deleted later, even right after a rotation, is reported as tampering (#12 item 8).
   */
  #freshChain = false;
  /** Head to continue from while audit.log is absent (the first record of a new segment). */
  #segmentStart: AuditHead | undefined;
  /** Where the last checkpointed record sits in the current file, to re-check it cheaply. */
  #cpPos: { ino: number; offset: number; length: number; seq: number; hash: string } | undefined;
  /** Offset and length (with newline) of the head record in the current file, when we wrote it. */
  #headPos: { offset: number; length: number } | undefined;
  /**
   * What this process knows of audit.log.1.gz since it rotated it: the SHA-256 of its bytes and
   * the records in it a checkpoint may name (its last one, and the checkpointed one, found intact
   * at its offset just before the rotation). While the archive's bytes are the same, a checkpoint
   * naming one of them is still in the chain without reading the archives (a rotation used to make
   * the next checkpoint read every archive: bench/README.md, "mcppath, second pass").
   */
  #archived: { digest: string; records: AuditHead[] } | undefined;
  /**
   * The head as this process rotated it into audit.log.1.gz, with that file's identity then
   * (inode, size, mtime): until audit.log has a record again, the next append continues from it
   * instead of gunzipping the whole 5 MB archive for its last line. Another process's rotation
   * writes a new file (another identity), which is then read as before.
   */
  #rotatedHead: { ino: number; size: number; mtimeMs: number; head: AuditHead } | undefined;
  /** A checkpoint file was seen or written: no need to look for it on every commit. */
  #checkpointSeen = false;
  /**
   * The last line of the oldest archive as retention last read it, with the file's identity then
   * (inode, size, mtime: a rotation renames it, which keeps them): each rotation asks for it
   * again, and gunzipping a 5 MB archive to find it took about 25 ms of the event loop.
   */
  #oldestTail: { ino: number; size: number; mtimeMs: number; line: string | undefined } | undefined;
  /**
   * The cross-process lock (audit.log.lock) as group commits take it: kept between commits while
   * they keep coming. Everything else (sync appends, checkpoints, open) takes and drops the lock
   * as before, which first ends this lease (`withFileLockSync` does), so a one-shot CLI never
   * keeps the lock past its own append.
   */
  #lock: FileLockLease;

  private constructor(options: AuditLogOptions) {
    this.#options = options;
    this.path = join(options.dir, 'audit.log');
    this.#lock = new FileLockLease(`${this.path}.lock`);
  }

  /** Open the log: refuse a symlink, finish an interrupted rotation, quarantine a torn tail. */
  static open(options: AuditLogOptions): AuditLog {
    const log = new AuditLog(options);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    if (existsSync(log.path) && lstatSync(log.path).isSymbolicLink()) {
      throw new AppError('E_AUDIT_INVALID', `Refusing to open "${log.path}": it is a symbolic link`, { hint: 'replace it with the real audit log file' });
    }
    withFileLockSync(log.#lockPath(), () => {
      finishInterruptedRotation(log.path, Infinity);
      const torn = log.#quarantineTornTail();
      log.#refreshHead();
      log.#freshChain = log.#head.seq === 0 && listAuditFiles(log.path).every((f) => f === log.path);
      if (torn) log.#appendLocked('SERVER', 'audit_recovered', torn);
      if (options.sign) log.#checkChainLocked();
    });
    return log;
  }

  /**
   * Attach the checkpoint signer once the server key is loaded (start-up step 6). The chain is
   * checked against the last signed checkpoint right away (issue #12 item 2).
   */
  setSigner(sign: Signer, verify?: Verifier, onCritical?: (event: string, fields: LogFields) => void): void {
    if (onCritical) this.#options = { ...this.#options, onCritical };
    this.#options = { ...this.#options, sign, ...(verify ? { verify } : {}) };
    withFileLockSync(this.#lockPath(), () => this.#checkChainLocked());
  }

  get healthy(): boolean { return this.#healthy; }
  get lastError(): string | undefined { return this.#lastError; }
  get head(): AuditHead { return { ...this.#head }; }

  /** Append one record durably; throws E_AUDIT_WRITE (fail closed). */
  append(category: AuditCategory, event: string, fields: LogFields = {}): AuditReceipt {
    return this.appendMany(category, [{ event, fields }])[0] as AuditReceipt;
  }

  /**
   * Append several records durably as one group commit (one write, one fdatasync, one lock), in
   * order; all or none are acknowledged. Throws E_AUDIT_WRITE (fail closed).
   */
  appendMany(category: AuditCategory, records: ReadonlyArray<{ event: string; fields: LogFields }>): AuditReceipt[] {
    if (records.length === 0) return [];
    try {
      const receipts = withFileLockSync(this.#lockPath(), () => this.#appendBatchLocked(records.map((r) => ({ category, event: r.event, fields: r.fields }))));
      this.#healthy = true;
      this.#lastError = undefined;
      this.#sinceCheckpoint += records.length;
      if (this.#checkpointDue()) this.checkpoint();
      return receipts;
    } catch (err) {
      throw this.#failed(err);
    }
  }

  /** A signed checkpoint is due: `checkpointEvery` records since the last one, or none on disk yet. */
  #checkpointDue(): boolean {
    if (this.#options.sign === undefined) return false;
    if (this.#sinceCheckpoint >= (this.#options.checkpointEvery ?? 64)) return true;
    // Until one exists, every commit looks (the first records get their checkpoint at once); one
    // deleted afterwards is found by the next regular checkpoint, which reports it (#12 item 8).
    if (!this.#checkpointSeen) this.#checkpointSeen = existsSync(this.#options.checkpointPath);
    return !this.#checkpointSeen;
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
        const written = this.#lock.run((continued) => this.#writeBatchLocked(batch, continued));
        receipts = written.receipts;
        fd = written.syncFd;
        if (fd !== undefined) await this.#syncAsync(fd);
        this.#healthy = true;
        this.#lastError = undefined;
        batch.forEach((b, i) => b.resolve(receipts[i] as AuditReceipt));
        this.#sinceCheckpoint += batch.length;
        if (this.#checkpointDue()) {
          try { this.#lock.run(() => this.#checkChainLocked()); this.#sinceCheckpoint = 0; } catch { /* the next checkpoint covers it; verify reports the gap */ }
        }
      } catch (err) {
        const e = this.#failed(err);
        for (const b of batch) b.reject(e);
      }
    }
    this.#draining = false;
  }

  /**
   * Under the lock: one write of the whole batch. Returns the descriptor still to fdatasync.
   * `continued`: the lock was held without a break since our last critical section, so no other
   * process appended or rotated meanwhile and the head we hold is the file's.
   */
  #writeBatchLocked(batch: ReadonlyArray<{ category: AuditCategory; event: string; fields: LogFields }>, continued = false): { receipts: AuditReceipt[]; syncFd: number | undefined } {
    if (!continued) this.#refreshHead();
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
    const lastLen = Buffer.byteLength(lines[lines.length - 1] ?? '', 'utf8') + 1;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      try { ftruncateSync(fd, before); } catch { /* the torn tail is quarantined at next open */ }
      throw auditWriteError(err, `Cannot write the audit record to "${this.path}"`);
    }
    this.#size = before + buf.length;
    this.#head = head;
    this.#segmentStart = undefined;
    this.#headPos = { offset: this.#size - lastLen, length: lastLen };
    if (this.#size >= this.#options.rotateSize) {
      fdatasyncSync(fd);
      const pos = this.#cpPos;
      const checkpointed = pos && pos.ino === this.#ino && this.#recordAt(pos) ? [{ seq: pos.seq, hash: pos.hash }] : [];
      this.#closeFd();
      const { archives, written } = rotateFile(this.path, Infinity);
      const newest = archivePath(this.path, 1);
      this.#archived = { digest: hash('sha256', written ?? readFileSync(newest), 'hex'), records: [...checkpointed, { ...head }] };
      const st = statSync(newest);
      this.#rotatedHead = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, head: { ...head } };
      this.#size = 0;
      this.#headPos = undefined;
      this.#cpPos = undefined;
      this.#applyRetentionLocked(archives);
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
    const withInstance = this.#options.instance ? { instance: this.#options.instance, ...fields } : fields;
    return formatAuditLine({ now, category, event, fields: withInstance, head, jumpMs });
  }

  /**
   * Write a signed checkpoint of the current head (no-op without a signer). Rule (issue #12 item 2):
   * it is signed only when it extends the last signed one: the chain on disk must still hold the
   * last checkpointed record (seq and hash) and the signed genesis; otherwise the tampering is
   * reported (#tamperedLocked) and the new checkpoint extends the last good one instead.
   */
  checkpoint(): void {
    if (!this.#options.sign) return;
    withFileLockSync(this.#lockPath(), () => this.#checkChainLocked());
    this.#sinceCheckpoint = 0;
  }

  #readLastCheckpoint(): Checkpoint | undefined {
    const verify = this.#options.verify ?? (() => true);
    return readCheckpoint(this.#options.checkpointPath, verify);
  }

  /** Under the lock: compare the chain with the last checkpoint, then sign the head. */
  #checkChainLocked(retiredOverride?: ChainMark): void {
    const sign = this.#options.sign;
    if (!sign) return;
    this.#refreshHead();
    let cp: Checkpoint | undefined;
    try { cp = this.#readLastCheckpoint(); if (cp) { this.#checkpointSeen = true; this.#freshChain = false; } } catch (err) {
      this.#tamperedLocked(undefined, `the last checkpoint is unusable: ${(err as Error).message}`);
      return;
    }
    if (!cp) {
      if (this.#head.seq === 0) return;
      const scan = this.#scanChain(undefined);
      // Only a chain this process started from nothing gets a first checkpoint, and only before
      // any checkpoint was seen; any other non-empty log without one is treated as tampering
      // (issue #12 item 8: a deleted checkpoint must not be re-signed).
      if (this.#freshChain && !this.#checkpointSeen && scan.first?.seq === 1) {
        this.#signLocked(sign, scan.first.hash, retiredOverride ?? { seq: 0, hash: GENESIS_HASH });
        return;
      }
      this.#tamperedLocked(undefined, `secrets/audit.checkpoint is missing but the log holds records up to seq ${this.#head.seq}`);
      return;
    }
    const problem = this.#checkpointProblem(cp);
    if (problem) { this.#tamperedLocked(cp, problem); return; }
    const scanForGenesis = cp.genesis === undefined ? this.#scanChain(undefined) : undefined;
    const genesis = cp.genesis ?? (scanForGenesis?.first?.seq === 1 ? scanForGenesis.first.hash : GENESIS_HASH);
    const retired = retiredOverride ?? cp.retired ?? (scanForGenesis ? this.#legacyRetired(scanForGenesis) : { seq: 0, hash: GENESIS_HASH });
    this.#signLocked(sign, genesis, retired);
  }

  /** Checkpoints from before version 2 never named retired records: take the oldest archive as the start. */
  #legacyRetired(scan: ChainScan): ChainMark {
    return scan.first && scan.first.seq > 1 ? { seq: scan.first.seq - 1, hash: scan.first.prev } : { seq: 0, hash: GENESIS_HASH };
  }

  #signLocked(sign: Signer, genesis: string, retired: ChainMark): void {
    if (this.#head.seq === 0) return;
    writeCheckpoint(this.#options.checkpointPath, { head: this.#head, genesis, retired }, sign);
    this.#checkpointSeen = true;
    const st = statSync(this.path, { throwIfNoEntry: false });
    this.#cpPos = st && this.#headPos && st.size === this.#size ? { ino: st.ino, offset: this.#headPos.offset, length: this.#headPos.length, seq: this.#head.seq, hash: this.#head.hash } : undefined;
  }

  /** Why the chain on disk does not extend `cp`, or undefined when it does. */
  #checkpointProblem(cp: Checkpoint): string | undefined {
    if (this.#head.seq < cp.seq) return `the log ends at seq ${this.#head.seq} but the last signed checkpoint records seq ${cp.seq} (records ${this.#head.seq + 1}..${cp.seq} are missing)`;
    if (this.#head.seq === cp.seq) return this.#head.hash === cp.hash ? undefined : `record ${cp.seq} differs from the one in the last signed checkpoint`;
    if (this.#cpPosStillHolds(cp)) return undefined;
    const scan = this.#scanChain(cp.seq, this.#archivedStillHolds(cp) ? cp.hash : undefined);
    if (scan.found === undefined) return `record ${cp.seq}, named by the last signed checkpoint, is no longer in the log`;
    if (scan.found !== cp.hash) return `record ${cp.seq} differs from the one in the last signed checkpoint (the chain was rewritten)`;
    const retiredSeq = cp.retired?.seq ?? 0;
    if (cp.genesis !== undefined && retiredSeq === 0 && scan.first?.seq === 1 && scan.first.hash !== cp.genesis) return 'record 1 differs from the signed genesis (the chain was rebuilt)';
    if (cp.genesis !== undefined && scan.first && scan.first.seq > retiredSeq + 1) return `records ${retiredSeq + 1}..${scan.first.seq - 1} are missing and were not retired by retention`;
    return undefined;
  }

  /** Cheap re-check: the checkpointed record is still at the offset where we wrote it. */
  #cpPosStillHolds(cp: Checkpoint): boolean {
    const pos = this.#cpPos;
    return pos !== undefined && pos.seq === cp.seq && pos.hash === cp.hash && this.#recordAt(pos);
  }

  /** The checkpointed record is in audit.log.1.gz as this process rotated it, and its bytes are unchanged. */
  #archivedStillHolds(cp: Checkpoint): boolean {
    const a = this.#archived;
    if (!a || !a.records.some((r) => r.seq === cp.seq && r.hash === cp.hash)) return false;
    try { return hash('sha256', readFileSync(archivePath(this.path, 1)), 'hex') === a.digest; } catch { return false; }
  }

  /** The record `pos` names is still at its offset in audit.log (same file, same bytes). */
  #recordAt(pos: { ino: number; offset: number; length: number; hash: string }): boolean {
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (!st || st.ino !== pos.ino || st.size < pos.offset + pos.length) return false;
    const fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(pos.length);
      if (readSync(fd, buf, 0, pos.length, pos.offset) !== pos.length || buf[pos.length - 1] !== 0x0a) return false;
      return hashLine(buf.subarray(0, pos.length - 1).toString('utf8')) === pos.hash;
    } finally { closeSync(fd); }
  }

  /**
   * Read the chain (archives too), oldest first: its first record, and the hash of record `seq`.
   * `found`: that hash is already known (#archivedStillHolds); then only the first record is read.
   */
  #scanChain(seq: number | undefined, found?: string): ChainScan {
    const out: ChainScan = { first: undefined, found };
    for (const path of listAuditFiles(this.path)) {
      if (found !== undefined && out.first) break;
      let lines: string[];
      try { lines = found !== undefined ? leadingLines(path) : readAuditFile(path).lines; } catch { continue; }
      for (const line of lines) {
        let v: { seq?: unknown; prev?: unknown };
        try { v = JSON.parse(line) as typeof v; } catch { continue; }
        if (typeof v.seq !== 'number') continue;
        if (!out.first) out.first = { seq: v.seq, hash: hashLine(line), prev: typeof v.prev === 'string' ? v.prev : '' };
        if (found !== undefined) break;
        if (v.seq === seq) out.found = hashLine(line);
      }
    }
    return out;
  }

  /**
   * The chain no longer extends the last signed checkpoint. CRITICAL on stderr (journald,
   * docker logs) and to `onCritical`; the damaged audit.log is kept aside as evidence; a new
   * segment starts after the last good checkpoint with an `audit_tampered` SERVER record naming
   * what is missing, so `audit verify` fails from now on and says why.
   */
  #tamperedLocked(cp: Checkpoint | undefined, reason: string): void {
    const sign = this.#options.sign;
    let evidence: string | undefined;
    if (cp && existsSync(this.path)) {
      this.#closeFd();
      evidence = `${this.path}.tampered-${new Date().toISOString().replace(/[:.]/g, '')}`;
      renameSync(this.path, evidence);
      fsyncDirSync(this.#options.dir);
    }
    const fields: LogFields = {
      reason, found_head_seq: this.#head.seq,
      last_good_checkpoint: cp ? { seq: cp.seq, hash: cp.hash, ts: cp.ts } : null,
      ...(evidence ? { evidence: basename(evidence) } : {}),
    };
    // The server's logger copies criticals to stderr itself; a CLI without one writes the line here.
    if (this.#options.onCritical) {
      try { this.#options.onCritical('audit_tampered', fields); } catch { /* reporting must not stop the record */ }
    } else {
      try { process.stderr.write(`CRITICAL audit_tampered: ${reason}${evidence ? ` (damaged log kept as ${evidence})` : ''}; run "aibridge audit verify"\n`); } catch { /* stderr closed */ }
    }
    if (cp) {
      this.#segmentStart = { seq: cp.seq, hash: cp.hash };
      this.#size = 0;
      this.#head = { ...this.#segmentStart };
    }
    this.#cpPos = undefined;
    this.#archived = undefined;
    this.#rotatedHead = undefined;
    this.#appendLocked('SERVER', 'audit_tampered', fields);
    const scan = cp ? undefined : this.#scanChain(undefined);
    const genesis = cp?.genesis ?? (scan?.first?.seq === 1 ? scan.first.hash : GENESIS_HASH);
    if (sign) this.#signLocked(sign, genesis, cp?.retired ?? (scan ? this.#legacyRetired(scan) : { seq: 0, hash: GENESIS_HASH }));
  }

  /**
   * Audit retention (issue #12 item 3): the oldest archive is deleted only when its newest record
   * is older than `retentionDays`, and only after a signed checkpoint names its last record as
   * retired, so `audit verify` can tell retention from deletion. Without a signer nothing is deleted.
   */
  #applyRetentionLocked(archives: number): void {
    const sign = this.#options.sign;
    if (!sign) return;
    const days = this.#options.retentionDays ?? 365;
    const now = (this.#options.now ?? Date.now)();
    for (let n = archives; n >= 2; n--) {
      const file = archivePath(this.path, n);
      let last: string | undefined;
      try { last = this.#lastLineOfArchive(file); } catch { return; }
      if (last === undefined) return;
      const v = JSON.parse(last) as { seq?: unknown; ts?: unknown };
      const ts = typeof v.ts === 'string' ? Date.parse(v.ts) : NaN;
      if (!(now - ts > days * 86_400_000) || typeof v.seq !== 'number') return;
      this.#checkChainLocked({ seq: v.seq, hash: hashLine(last) });
      unlinkSync(file);
      fsyncDirSync(this.#options.dir);
    }
  }

  /** The last line of an archive; read again only when the file is not the one read last time. */
  #lastLineOfArchive(file: string): string | undefined {
    const st = statSync(file);
    const t = this.#oldestTail;
    if (t && t.ino === st.ino && t.size === st.size && t.mtimeMs === st.mtimeMs) return t.line;
    const line = lastLineOf(file);
    this.#oldestTail = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, line };
    return line;
  }

  /** Checkpoint and release the descriptor. */
  close(): void {
    try { this.checkpoint(); } finally {
      this.#lock.release();
      this.#closeFd();
    }
  }

  #lockPath(): string { return this.#lock.path; }

  /** Reload the head from disk when another process appended or rotated since we last looked. */
  #refreshHead(): void {
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (st && this.#fd !== undefined && st.ino === this.#ino && st.size === this.#size) return;
    if (this.#fd !== undefined && (!st || st.ino !== this.#ino)) this.#closeFd();
    const fromCurrent = st && st.size > 0 ? headFromLine(lastLineOf(this.path)) : undefined;
    const archive = archivePath(this.path, 1);
    if (!fromCurrent && this.#segmentStart) { this.#head = { ...this.#segmentStart }; this.#size = st?.size ?? 0; return; }
    this.#head = fromCurrent ?? this.#headOfNewestArchive(archive) ?? { seq: 0, hash: GENESIS_HASH };
    this.#size = st?.size ?? 0;
    this.#headPos = undefined;
  }

  /** The last record of audit.log.1.gz: the one this process rotated there when it is still that file. */
  #headOfNewestArchive(archive: string): AuditHead | undefined {
    const st = statSync(archive, { throwIfNoEntry: false });
    if (!st) return undefined;
    const r = this.#rotatedHead;
    if (r && r.ino === st.ino && r.size === st.size && r.mtimeMs === st.mtimeMs) return { ...r.head };
    return headFromLine(lastLineOf(archive));
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
    return this.#appendBatchLocked([{ category, event, fields }])[0] as AuditReceipt;
  }

  #appendBatchLocked(batch: ReadonlyArray<{ category: AuditCategory; event: string; fields: LogFields }>): AuditReceipt[] {
    const { receipts, syncFd } = this.#writeBatchLocked(batch);
    if (syncFd !== undefined) {
      try { fdatasyncSync(syncFd); } catch (err) {
        throw auditWriteError(err, `Cannot make the audit record durable in "${this.path}"`, DURABLE_HINT);
      } finally { this.#syncDone(); }
    }
    return receipts;
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
