/**
 * @module Per-client Cisco credentials: set, delete, list (without passwords) and lookup for a
 * node. Each client's key and decrypted entries are cached and dropped after an idle timeout; a
 * call re-checks the cache with one `stat` of `.uuid` and one of `credentials.enc`, so a replaced
 * client folder (new UUID: new key) or a rewritten file is read again on the next call.
 * A client can only ever open its own folder, so one client never reads another's credentials.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import type { AuditCategory } from '../audit/audit-record.ts';
import { clientSecretsDir, deriveClientKey, ensureServerSalt, readClientUuid } from './client-key.ts';
import { credentialFilePath, readCredentialFile, writeCredentialFile } from './credential-file.ts';
import type { CredentialEntry, CredentialPurpose } from './credential-file.ts';

export interface AuditSink { append(category: AuditCategory, event: string, fields?: Record<string, unknown>): unknown }

export interface CredentialStoreOptions {
  clientsDir: string;
  secretsDir: string;
  idleTimeoutMs: number;
  audit?: AuditSink;
}

/** What callers get for a Cisco login. */
export interface CiscoLogin { user: string; password: string; target: string }

/** A listed credential: never the password. */
export interface CredentialInfo { target: string; purpose: CredentialPurpose; user: string; updatedAt: string }

/** `uuid`/`uuidStamp`: what the key was derived from; `stamp`: the credentials file `entries` came from. */
interface CacheEntry { key: Buffer; uuid: string; uuidStamp: string; entries: CredentialEntry[]; stamp: string; timer?: NodeJS.Timeout }

export class CredentialStore {
  #o: CredentialStoreOptions;
  #cache = new Map<string, CacheEntry>();
  #deriving = new Map<string, Promise<CacheEntry>>();
  #salt: Buffer | undefined;
  #logins = new WeakMap<CredentialEntry, CiscoLogin>();

  constructor(options: CredentialStoreOptions) {
    this.#o = options;
  }

  #path(client: string): string {
    return credentialFilePath(clientSecretsDir(this.#o.clientsDir, client));
  }

  /** Identity of a file's current content: a rename over it changes ino, a rewrite in place ctime. */
  #stamp(path: string): string {
    const s = statSync(path, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : 'none';
  }

  async #open(client: string): Promise<CacheEntry> {
    const dir = clientSecretsDir(this.#o.clientsDir, client);
    // Stamp before reading: a change after the stamp shows as a new stamp on the next call.
    const uuidStamp = this.#stamp(join(dir, '.uuid'));
    let hit = this.#cache.get(client);
    let uuid: string | undefined;
    if (hit && hit.uuidStamp !== uuidStamp) {
      // Replaced or removed (readClientUuid then throws E_NOT_FOUND): a different UUID is a different key.
      uuid = readClientUuid(this.#o.clientsDir, client);
      if (uuid === hit.uuid) hit.uuidStamp = uuidStamp;
      else { this.forget(client); hit = undefined; }
    }
    if (!hit) {
      uuid ??= readClientUuid(this.#o.clientsDir, client);
      // One key derivation per client and UUID even when several calls arrive together (~0.2 s each).
      const job = `${client}\u0000${uuid}`;
      let pending = this.#deriving.get(job);
      if (!pending) {
        this.#salt ??= ensureServerSalt(this.#o.secretsDir);
        const forUuid = uuid;
        pending = deriveClientKey(forUuid, this.#salt).then((key) => ({ key, uuid: forUuid, uuidStamp, entries: [], stamp: '' }));
        this.#deriving.set(job, pending);
        void pending.finally(() => this.#deriving.delete(job)).catch(() => undefined);
      }
      hit = await pending;
      const current = this.#cache.get(client);
      if (current?.uuid === hit.uuid) hit = current; // a concurrent call cached the same key first
      else { if (current) this.forget(client); this.#cache.set(client, hit); }
    }
    const path = credentialFilePath(dir);
    const stamp = this.#stamp(path);
    if (stamp !== hit.stamp) { hit.entries = readCredentialFile(path, hit.key, client); hit.stamp = stamp; }
    this.#touch(client, hit);
    return hit;
  }

  #touch(client: string, hit: CacheEntry): void {
    if (hit.timer) clearTimeout(hit.timer);
    hit.timer = setTimeout(() => this.forget(client), this.#o.idleTimeoutMs);
    hit.timer.unref();
  }

  /** Drop a client's key and decrypted credentials from memory. */
  forget(client: string): void {
    const hit = this.#cache.get(client);
    if (!hit) return;
    if (hit.timer) clearTimeout(hit.timer);
    hit.key.fill(0);
    hit.entries = [];
    this.#cache.delete(client);
  }

  /** Drop everything (shutdown). */
  forgetAll(): void {
    for (const c of [...this.#cache.keys()]) this.forget(c);
  }

  /** True while a client's credentials are held decrypted (for tests and /status). */
  isCached(client: string): boolean {
    return this.#cache.has(client);
  }

  async set(client: string, entry: { target: string; purpose: CredentialPurpose; user: string; password: string }): Promise<'created' | 'updated'> {
    const hit = await this.#open(client);
    const rest = hit.entries.filter((e) => !(e.target === entry.target && e.purpose === entry.purpose));
    const action = rest.length === hit.entries.length ? 'created' : 'updated';
    const entries = [...rest, { ...entry, updatedAt: new Date().toISOString() }];
    this.#o.audit?.append('CREDENTIAL', `credential_${action}`, { client, node: entry.target, purpose: entry.purpose, user: entry.user });
    writeCredentialFile(this.#path(client), hit.key, { client, entries });
    hit.entries = entries;
    hit.stamp = this.#stamp(this.#path(client));
    return action;
  }

  async delete(client: string, target: string, purpose?: CredentialPurpose): Promise<number> {
    const hit = await this.#open(client);
    const keep = hit.entries.filter((e) => !(e.target === target && (purpose === undefined || e.purpose === purpose)));
    const removed = hit.entries.length - keep.length;
    if (removed === 0) return 0;
    this.#o.audit?.append('CREDENTIAL', 'credential_deleted', { client, node: target, purpose: purpose ?? 'all', removed });
    writeCredentialFile(this.#path(client), hit.key, { client, entries: keep });
    hit.entries = keep;
    hit.stamp = this.#stamp(this.#path(client));
    return removed;
  }

  async list(client: string): Promise<CredentialInfo[]> {
    const hit = await this.#open(client);
    return hit.entries.map((e) => ({ target: e.target, purpose: e.purpose, user: e.user, updatedAt: e.updatedAt }))
      .sort((a, b) => a.target.localeCompare(b.target) || a.purpose.localeCompare(b.purpose));
  }

  /**
   * One frozen login per decrypted entry, the same object until the file is read again: callers
   * may keep per-login work keyed by it (the AXL client's session key digest).
   */
  #loginOf(e: CredentialEntry): CiscoLogin {
    let login = this.#logins.get(e);
    if (!login) { login = Object.freeze({ user: e.user, password: e.password, target: e.target }); this.#logins.set(e, login); }
    return login;
  }

  /**
   * The login of `client` for a node: an entry for the node itself wins over one for its cluster.
   * Throws E_FORBIDDEN when the client has none (another client's credentials are never consulted).
   */
  async loginFor(client: string, targets: readonly string[], purpose: CredentialPurpose): Promise<CiscoLogin> {
    const hit = await this.#open(client);
    for (const t of targets) {
      const e = hit.entries.find((x) => x.target === t && x.purpose === purpose);
      if (e) return this.#loginOf(e);
    }
    throw new AppError('E_FORBIDDEN', `Client "${client}" has no ${purpose} credentials for ${targets.map((t) => `"${t}"`).join(' or ')}`, {
      hint: `an operator runs: aibridge credentials set --client ${client} --node ${targets[0]}${purpose === 'phone' ? ' --purpose phone' : ''} --user USER (credentials_status lists what is stored)`,
    });
  }
}
