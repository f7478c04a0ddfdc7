/**
 * @module One connection to Valkey (or Redis ≥ 7): URL with ACL user and password, optional TLS
 * CA, bounded timeouts, no offline queue (a command while the store is down fails at once instead
 * of waiting), reconnection in the background, and one log line per outage (not per request).
 * Every failure becomes `E_STATE_UNAVAILABLE` with a message that never holds the password.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Valkey } from 'iovalkey';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../log/logger.ts';

export interface ValkeyOptions {
  url: string;
  caFile: string | undefined;
  keyPrefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger: Logger;
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable VALKEY_URL)';
  }
}

export class ValkeyConnection {
  readonly client: Valkey;
  readonly prefix: string;
  #logger: Logger;
  #down = false;
  #where: string;
  /** The last error the socket reported: a failed connect() rejects only with "Connection is closed.". */
  #lastError: Error | undefined;

  constructor(o: ValkeyOptions) {
    const u = new URL(o.url);
    const tls = u.protocol === 'rediss:';
    this.prefix = o.keyPrefix;
    this.#logger = o.logger;
    this.#where = redactedUrl(o.url);
    this.client = new Valkey(o.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: o.connectTimeoutMs,
      commandTimeout: o.commandTimeoutMs,
      enableReadyCheck: true,
      retryStrategy: (times) => Math.min(200 * times, 2000),
      // SNI carries host names only (RFC 6066); an address is still checked against the certificate's IP SANs.
      ...(tls ? { tls: { ...(o.caFile ? { ca: readFileSync(o.caFile, 'utf8') } : {}), ...(isIP(u.hostname) ? {} : { servername: u.hostname }) } } : {}),
    });
    this.client.on('error', (err: Error) => { this.#lastError = err; this.#outage(err); });
    // The connection never keeps a process alive by itself: `serve` has its listener, and a CLI
    // command or test ends when its work is done (each new socket after a reconnect too).
    this.client.on('connect', () => { (this.client as unknown as { stream?: { unref?: () => void } }).stream?.unref?.(); });
    this.client.on('ready', () => this.#recovered());
  }

  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      this.#outage(err as Error);
      const e = this.#unavailable(err);
      // A failed first connect ends start-up or the CLI command: stop reconnecting in the background.
      this.client.disconnect();
      throw e;
    }
    this.#recovered();
  }

  #outage(err: Error): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger.error('state_store_unavailable', { store: this.#where, message: scrub(describe(err), this.client.options.password) });
  }

  #recovered(): void {
    this.#lastError = undefined;
    if (!this.#down) return;
    this.#down = false;
    this.#logger.info('state_store_recovered', { store: this.#where });
  }

  #unavailable(thrown: unknown): AppError {
    // "Connection is closed." says nothing; the socket's own error (TLS, refused, auth) says why.
    const err = /^Connection is closed/.test((thrown as Error)?.message ?? '') && this.#lastError ? this.#lastError : thrown;
    return new AppError('E_STATE_UNAVAILABLE', `The shared state store (${this.#where}) is unavailable: ${scrub(describe(err), this.client.options.password)}`, {
      hint: isTlsTrustError(err)
        ? "the store's TLS certificate is not trusted: VALKEY_CA_FILE must hold the CA that signed it, and the certificate must name VALKEY_URL's host"
        : 'check that Valkey is running and reachable, and VALKEY_URL / VALKEY_CA_FILE; aibridge reconnects by itself',
      cause: thrown,
    });
  }

  /** Run a command; any transport or server failure is E_STATE_UNAVAILABLE. */
  async run<T>(fn: (c: Valkey) => Promise<T>): Promise<T> {
    try {
      const r = await fn(this.client);
      // A store that answered slowly (commands timed out) never dropped the connection: an answer ends the outage.
      this.#recovered();
      return r;
    } catch (err) {
      if (/NOSCRIPT|WRONGTYPE|ERR /.test((err as Error).message ?? '')) throw err;
      this.#outage(err as Error);
      throw this.#unavailable(err);
    }
  }

  /** EVALSHA with a fallback to EVAL the first time (scripts are cached by the server). */
  async script(lua: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    return this.run(async (c) => {
      const sha = shaOf(lua);
      try {
        return await c.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!/NOSCRIPT/.test((err as Error).message ?? '')) throw err;
        return await c.eval(lua, keys.length, ...keys, ...args);
      }
    });
  }

  get down(): boolean { return this.#down; }

  async close(): Promise<void> {
    try { await this.client.quit(); } catch { this.client.disconnect(); }
  }
}

const shas = new Map<string, string>();
function shaOf(lua: string): string {
  let s = shas.get(lua);
  if (!s) { s = createHash('sha1').update(lua).digest('hex'); shas.set(lua, s); }
  return s;
}

const TLS_TRUST = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);

function isTlsTrustError(err: unknown): boolean {
  return TLS_TRUST.has(String((err as { code?: unknown })?.code ?? ''));
}

/** The error's message, saying when it is about the TLS certificate (Node's text alone may not). */
function describe(err: unknown): string {
  const m = (err as Error)?.message ?? String(err);
  return isTlsTrustError(err) ? `TLS certificate not trusted (${String((err as { code?: unknown }).code)}): ${m}` : m;
}

function scrub(message: string, password: string | undefined): string {
  return password ? message.split(password).join('***') : message;
}
