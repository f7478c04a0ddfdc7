/**
 * @module Changes on disk: `clients/<client>/changes/<id>.json`, mode 600 from creation, written
 * atomically (temp, fsync, rename, fsync dir) so a kill -9 leaves the old or the new state. Every
 * transition is a read-modify-write under a per-change lock file, so `aibridge serve` and
 * `aibridge changes approve` (another process) never lose each other's update, and two applies of
 * one approval cannot both pass (single use). Nothing is cached in memory: a restart loses nothing.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, constants } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';
import { withFileLockSync } from '../lib/file-lock.ts';
import { AppError } from '../lib/errors.ts';
import type { ChangeRecord } from './change-record.ts';
import { isChangeId } from './change-record.ts';
import { ChangeRefused } from './change-machine.ts';

const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function readNoFollow(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try { return readFileSync(fd, 'utf8'); } finally { closeSync(fd); }
}

export class ChangeStore {
  readonly clientsDir: string;

  constructor(clientsDir: string) {
    this.clientsDir = clientsDir;
  }

  #dir(client: string): string {
    if (!CLIENT_NAME.test(client)) throw new AppError('E_INPUT_INVALID', `"${client.slice(0, 64)}" is not a client name`);
    return join(this.clientsDir, client, 'changes');
  }

  #path(client: string, id: string): string {
    return join(this.#dir(client), `${id}.json`);
  }

  #read(path: string): ChangeRecord {
    return JSON.parse(readNoFollow(path)) as ChangeRecord;
  }

  #write(rec: ChangeRecord): void {
    writeFileAtomicSync(this.#path(rec.client, rec.id), `${JSON.stringify(rec, null, 1)}\n`, { mode: 0o600, dirMode: 0o700 });
  }

  create(rec: ChangeRecord): void {
    if (!isChangeId(rec.id)) throw new AppError('E_INTERNAL', 'bad change id');
    this.#write(rec);
  }

  /** The client folder holding change `id`, or undefined (forged, unknown or malformed id). */
  #owner(id: string): string | undefined {
    if (!isChangeId(id)) return undefined;
    let clients: string[];
    try { clients = readdirSync(this.clientsDir); } catch { return undefined; }
    return clients.find((c) => CLIENT_NAME.test(c) && existsSync(join(this.clientsDir, c, 'changes', `${id}.json`)));
  }

  /** Read one change; refuses an id that names no stored change. */
  get(id: string): ChangeRecord {
    const owner = this.#owner(id);
    if (owner === undefined) throw unknownId(id);
    return this.#read(this.#path(owner, id));
  }

  /**
   * Read-modify-write one change under its lock. `fn` returns the new record (or throws a
   * refusal, and nothing is written); the result is what was stored.
   */
  update(id: string, fn: (rec: ChangeRecord) => ChangeRecord): ChangeRecord {
    const owner = this.#owner(id);
    if (owner === undefined) throw unknownId(id);
    const path = this.#path(owner, id);
    return withFileLockSync(`${path}.lock`, () => {
      const cur = this.#read(path);
      const next = fn(cur);
      if (next.id !== cur.id || next.client !== cur.client) throw new AppError('E_INTERNAL', 'a change cannot move to another id or client');
      if (next !== cur) this.#write(next);
      return next;
    });
  }

  /** Changes of one client, or of every client; newest first. */
  list(client?: string): ChangeRecord[] {
    let clients: string[];
    try { clients = client === undefined ? readdirSync(this.clientsDir) : [client]; } catch { return []; }
    const out: ChangeRecord[] = [];
    for (const c of clients) {
      if (!CLIENT_NAME.test(c)) continue;
      let files: string[];
      try { files = readdirSync(this.#dir(c)); } catch { continue; }
      for (const f of files) {
        if (!f.endsWith('.json') || !isChangeId(f.slice(0, -5))) continue;
        try { out.push(this.#read(join(this.#dir(c), f))); } catch { /* a file being replaced right now: skip */ }
      }
    }
    return out.sort((a, b) => b.created_at.localeCompare(a.created_at));
  }
}

function unknownId(id: string): ChangeRefused {
  const shown = JSON.stringify(id.slice(0, 40));
  return new ChangeRefused('unknown_id', undefined, `No change with id ${shown}`, isChangeId(id) ? 'list your changes with aibridge_changes_list' : 'a change id looks like chg_ followed by 32 hex digits');
}
