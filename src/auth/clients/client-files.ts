/**
 * @module The per-client folder (Setup page, "Client Directory Structure"): `clients/<name>/`
 * with `secrets/{.uuid,.token,.secret,.secret_hash}`, `reports/` and `custom/`. Folders 700,
 * files 600, every write atomic.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { decodeJwt } from 'jose';

export type ClientFile = '.uuid' | '.token' | '.secret' | '.secret_hash';

export class ClientFiles {
  readonly clientsDir: string;
  #jtiCache = new Map<string, { path: string; stamp: string; jti: string | undefined }>();

  constructor(clientsDir: string) {
    this.clientsDir = clientsDir;
  }

  dir(name: string): string { return join(this.clientsDir, name); }
  path(name: string, file: ClientFile): string { return join(this.clientsDir, name, 'secrets', file); }

  /** Create the client's folders (700) and fix modes that drifted. */
  ensureDirs(name: string): boolean {
    const created = !existsSync(this.dir(name));
    mkdirSync(this.clientsDir, { recursive: true, mode: 0o700 });
    for (const d of [this.dir(name), join(this.dir(name), 'secrets'), join(this.dir(name), 'reports'), join(this.dir(name), 'custom')]) {
      mkdirSync(d, { recursive: true, mode: 0o700 });
      if ((statSync(d).mode & 0o777) !== 0o700) chmodSync(d, 0o700);
    }
    return created;
  }

  read(name: string, file: ClientFile): string | undefined {
    const p = this.path(name, file);
    if (!existsSync(p) || !lstatSync(p).isFile()) return undefined;
    if ((statSync(p).mode & 0o077) !== 0) chmodSync(p, 0o600);
    return readFileSync(p, 'utf8').trim();
  }

  write(name: string, file: ClientFile, text: string): void {
    writeFileAtomicSync(this.path(name, file), `${text}\n`, { mode: 0o600 });
  }

  remove(name: string, file: ClientFile): boolean {
    const p = this.path(name, file);
    if (!existsSync(p)) return false;
    rmSync(p, { force: true });
    return true;
  }

  /** Delete a client's whole folder (purge of a client no longer in AUTH_CLIENTS). */
  purge(name: string): void {
    rmSync(this.dir(name), { recursive: true, force: true });
    this.#jtiCache.delete(name);
  }

  /**
   * jti of the client's current `.token` (JWT mode). Only that token is accepted, so a renewed or
   * revoked token stops working at once, also when the CLI renewed it while the server runs.
   */
  currentTokenJti(name: string): string | undefined {
    const hit = this.#jtiCache.get(name);
    const p = hit?.path ?? this.path(name, '.token'); // the path of a name never changes: joined once
    let stamp = 'absent';
    try { const s = statSync(p); stamp = `${s.ino}:${s.mtimeMs}:${s.size}`; } catch { /* absent */ }
    if (hit && hit.stamp === stamp) return hit.jti;
    const jti = stamp === 'absent' ? undefined : jtiOf(readFileSync(p, 'utf8').trim());
    this.#jtiCache.set(name, { path: p, stamp, jti });
    return jti;
  }
}

/** The `jti` claim of a compact JWT, without verifying it (for bookkeeping only). */
export function jtiOf(token: string): string | undefined {
  try {
    const { jti } = decodeJwt(token);
    return typeof jti === 'string' ? jti : undefined;
  } catch { return undefined; }
}
