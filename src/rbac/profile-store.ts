/**
 * @module The profiles in force, loaded from `profiles/*.json`. A changed file is re-validated;
 * a valid new version applies to the next call, an invalid one is refused (logged with file, JSON
 * path and reason) and the previous version stays in force. A deleted file unloads its profile.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import type { Profile } from './profile-schema.ts';
import { describeProblems, parseProfile } from './parse-profile.ts';
import { readProfileFile } from './read-profile-file.ts';

/** Profile names as AUTH_CLIENTS may name them. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** One audit record of a scan: a change that took effect (loaded, reloaded, removed) or a refusal. */
export interface ProfileAuditRecord { event: string; fields: Record<string, unknown> }

/**
 * `audit` receives, once per scan that found any, every change that takes effect and every refusal
 * as SERVER events with the file's SHA-256 digest (issue #12 item 6), in order: one group commit
 * (four profiles at start-up were four fdatasyncs). It is called before the scan returns and before
 * `onChange` listeners run.
 */
export interface ProfileStoreOptions { dir: string; strict: boolean; logger: Logger; audit?: (records: ReadonlyArray<ProfileAuditRecord>) => void }

interface Entry { profile?: Profile; signature: string; error?: string }

export class ProfileStore {
  readonly #opts: ProfileStoreOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<(name: string) => void>();
  /** Audit records of the scan in progress, written together at its end. */
  #records: ProfileAuditRecord[] = [];

  constructor(options: ProfileStoreOptions) {
    this.#opts = options;
  }

  /** The profile in force under `name`, if any. */
  get(name: string): Profile | undefined {
    return this.#entries.get(name)?.profile;
  }

  /** Names of loaded (valid) profiles. */
  names(): string[] {
    return [...this.#entries].filter(([, e]) => e.profile).map(([n]) => n).sort();
  }

  /** Files refused at their last change (name → reason). */
  invalid(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [n, e] of this.#entries) if (e.error) out[n] = e.error;
    return out;
  }

  /** Called with the profile name after a change that altered what is in force. */
  onChange(listener: (name: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #fileNames(): string[] {
    try {
      return readdirSync(this.#opts.dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
    } catch {
      return [];
    }
  }

  /** Look at every file; (re)load what changed. Returns the names whose profile changed. */
  scan(): string[] {
    const changed: string[] = [];
    const present = new Set<string>();
    try {
      for (const file of this.#fileNames()) {
        const name = file.slice(0, -'.json'.length);
        if (!PROFILE_NAME.test(name)) continue;
        present.add(name);
        if (this.#load(name, file)) changed.push(name);
      }
      for (const [name, entry] of [...this.#entries]) {
        if (present.has(name) || lstatExists(join(this.#opts.dir, `${name}.json`))) continue;
        this.#entries.delete(name);
        if (entry.profile) {
          this.#opts.logger.warning('profile_removed', { profile: name, file: join(this.#opts.dir, `${name}.json`), message: 'the file was deleted; clients using this profile are now denied every call' });
          this.#audit('profile_removed', { profile: name, file: join(this.#opts.dir, `${name}.json`) });
          changed.push(name);
        }
      }
    } finally {
      this.#flushAudit(); // even when a file could not be read: what took effect is audited
    }
    for (const name of changed) for (const l of this.#listeners) l(name);
    return changed;
  }

  #load(name: string, file: string): boolean {
    const path = join(this.#opts.dir, file);
    const previous = this.#entries.get(name);
    const read = readProfileFile(path);
    if (previous && previous.signature === read.signature) return false;
    if (!read.ok) return this.#refuse(name, path, read.signature, `${path}: ${read.reason}`);
    const parsed = parseProfile(read.text, path, this.#opts.strict);
    if (!parsed.ok) return this.#refuse(name, path, read.signature, describeProblems(parsed.problems));
    for (const w of parsed.warnings) this.#opts.logger.warning('profile_field_ignored', { profile: name, file: w.file, path: w.path, reason: w.reason });
    this.#entries.set(name, { profile: parsed.profile, signature: read.signature });
    const sha256 = createHash('sha256').update(read.text, 'utf8').digest('hex');
    this.#opts.logger.info(previous ? 'profile_reloaded' : 'profile_loaded', { profile: name, file: path, sha256 });
    this.#audit(previous ? 'profile_reloaded' : 'profile_loaded', { profile: name, file: path, sha256 });
    return true;
  }

  #audit(event: string, fields: Record<string, unknown>): void {
    this.#records.push({ event, fields });
  }

  #flushAudit(): void {
    const records = this.#records;
    this.#records = [];
    if (records.length === 0) return;
    try { this.#opts.audit?.(records); } catch (err) {
      this.#opts.logger.error('audit_write_failed', { events: records.map((r) => r.event), message: (err as Error).message });
    }
  }

  #refuse(name: string, path: string, signature: string, error: string): boolean {
    const previous = this.#entries.get(name);
    this.#entries.set(name, { ...(previous?.profile ? { profile: previous.profile } : {}), signature, error });
    this.#opts.logger.error('profile_invalid', {
      profile: name, file: path, message: error,
      action: previous?.profile ? 'refused; the previous version stays in force' : 'refused; clients using this profile are denied every call',
    });
    this.#audit('profile_refused', { profile: name, file: path, reason: error.slice(0, 500), previous_kept: Boolean(previous?.profile) });
    return false;
  }
}

function lstatExists(path: string): boolean {
  try { lstatSync(path); return true; } catch { return false; }
}
