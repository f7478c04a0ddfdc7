/**
 * @module A persisted map key → expiry (epoch seconds) for revocation lists and IP blocks: written
 * atomically (mode 600) under a lock so `aibridge serve` and the CLI never lose each other's
 * entries, re-read when another process changed it, and expired entries dropped on every write.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { withFileLockSync } from '../../lib/file-lock.ts';
import { AppError } from '../../lib/errors.ts';
import { ONE_SHOT_PARSE } from '../../lib/one-shot-parse.ts';

const FILE_SCHEMA = z.object({ version: z.literal(1), entries: z.record(z.string().max(512), z.number().int().nonnegative()) }).strict();

export class ExpiringSetFile {
  readonly path: string;
  #entries = new Map<string, number>();
  #stamp = '';
  #now: () => number;

  /** `now` returns epoch seconds (injected for tests). */
  constructor(path: string, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.path = path;
    this.#now = now;
    this.#reload();
  }

  #fileStamp(): string {
    const s = statSync(this.path, { throwIfNoEntry: false }); // one syscall: read on every request
    return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : 'absent';
  }

  #reload(): void {
    const stamp = this.#fileStamp();
    if (stamp === this.#stamp) return;
    this.#entries = new Map();
    if (stamp !== 'absent') {
      let parsed: unknown;
      try { parsed = JSON.parse(readFileSync(this.path, 'utf8')); } catch (err) {
        throw new AppError('E_STATE_WRITE', `Cannot read "${this.path}": ${(err as Error).message}`, { hint: 'restore it from a backup; deleting it forgets the entries it holds', cause: err });
      }
      const r = FILE_SCHEMA.safeParse(parsed, ONE_SHOT_PARSE);
      if (!r.success) throw new AppError('E_STATE_WRITE', `"${this.path}" is not a valid state file`, { hint: 'restore it from a backup; deleting it forgets the entries it holds' });
      for (const [k, v] of Object.entries(r.data.entries)) this.#entries.set(k, v);
    }
    this.#stamp = stamp;
  }

  /** Expiry of `key` when present and not yet expired. */
  get(key: string): number | undefined {
    this.#reload();
    const exp = this.#entries.get(key);
    return exp !== undefined && exp > this.#now() ? exp : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Add or replace entries and persist; expired entries are cleaned at the same time. */
  set(items: ReadonlyArray<readonly [string, number]>): void {
    this.#mutate((m) => { for (const [k, exp] of items) m.set(k, Math.max(exp, m.get(k) ?? 0)); });
  }

  delete(key: string): void {
    this.#mutate((m) => { m.delete(key); });
  }

  /** Entries currently in force. */
  entries(): Array<[string, number]> {
    this.#reload();
    const now = this.#now();
    return [...this.#entries].filter(([, exp]) => exp > now);
  }

  #mutate(fn: (m: Map<string, number>) => void): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    withFileLockSync(`${this.path}.lock`, () => {
      this.#stamp = '';
      this.#reload();
      fn(this.#entries);
      const now = this.#now();
      const kept = Object.fromEntries([...this.#entries].filter(([, exp]) => exp > now));
      writeFileAtomicSync(this.path, `${JSON.stringify({ version: 1, entries: kept })}\n`);
      this.#entries = new Map(Object.entries(kept));
      this.#stamp = this.#fileStamp();
    });
  }
}
