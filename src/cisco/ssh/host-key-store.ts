/**
 * @module Trust-on-first-use SSH host keys per node (secrets/ssh_host_keys.json, written
 * atomically, mode 600). First sight and every mismatch are TRUSTED audit events; a mismatch
 * blocks the connection before the password is sent.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import { AppError } from '../../lib/errors.ts';

const FILE = z.record(z.string(), z.object({ host: z.string(), port: z.number(), sha256: z.string(), trustedAt: z.string() }).strict());
type KeyFile = z.infer<typeof FILE>;

export type HostKeyVerdict = 'known' | 'first-use' | 'mismatch';

export interface HostKeyAudit { append(category: 'TRUSTED', event: string, fields?: Record<string, unknown>): unknown }

/** OpenSSH-style fingerprint: SHA256:<base64 without padding>. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export class HostKeyStore {
  readonly path: string;
  #audit: HostKeyAudit;

  constructor(secretsDir: string, audit: HostKeyAudit) {
    this.path = join(secretsDir, 'ssh_host_keys.json');
    this.#audit = audit;
  }

  #read(): KeyFile {
    if (!existsSync(this.path)) return {};
    try { return FILE.parse(JSON.parse(readFileSync(this.path, 'utf8'))); } catch (err) {
      throw new AppError('E_INTEGRITY', `Cannot read the SSH host key store "${this.path}"`, { hint: 'restore it from backup, or delete it to re-trust every node on next use', cause: err });
    }
  }

  /** Check (and on first use record) the key a node presented. */
  verify(node: { name: string; host: string; port: number }, key: Buffer): HostKeyVerdict {
    const fp = fingerprintOf(key);
    const all = this.#read();
    const known = all[node.name];
    if (known && known.sha256 === fp && known.host === node.host && known.port === node.port) return 'known';
    if (known && known.sha256 !== fp) {
      this.#audit.append('TRUSTED', 'ssh_host_key_mismatch', { node: node.name, host: node.host, port: node.port, expected: known.sha256, presented: fp, result: 'blocked' });
      return 'mismatch';
    }
    this.#audit.append('TRUSTED', 'ssh_host_key_trusted', { node: node.name, host: node.host, port: node.port, fingerprint: fp, reason: known ? 'address changed, same key' : 'first use' });
    writeFileAtomicSync(this.path, `${JSON.stringify({ ...all, [node.name]: { host: node.host, port: node.port, sha256: fp, trustedAt: new Date().toISOString() } }, null, 2)}\n`, { mode: 0o600 });
    return 'first-use';
  }

  /** The trusted fingerprint of a node, if it was seen. */
  fingerprint(nodeName: string): string | undefined {
    return this.#read()[nodeName]?.sha256;
  }

  /** Forget a node's key (operator action after a legitimate re-key). */
  forget(nodeName: string): boolean {
    const all = this.#read();
    if (!(nodeName in all)) return false;
    delete all[nodeName];
    writeFileAtomicSync(this.path, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    this.#audit.append('TRUSTED', 'ssh_host_key_forgotten', { node: nodeName });
    return true;
  }
}
