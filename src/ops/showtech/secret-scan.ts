/**
 * @module The last gate before a support bundle is written: it must hold no private key, JWT,
 * bcrypt hash, encrypted SFTP password, and no fragment (31+ characters) of any value found in the
 * install's secret files or secret .env keys. Known values are first masked; anything still found
 * makes the bundle refused, naming the file and the kind of secret, never the value.
 */
import { REDACTED } from '../../lib/redact.ts';

const WINDOW = 16;
const PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['a PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a JWT', /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/],
  ['a bcrypt hash', /\$2[aby]\$\d\d\$[./A-Za-z0-9]{20,}/],
  ['an encrypted SFTP password', /rsa-oaep-sha512:[A-Za-z0-9+/=]{16,}/],
  ['an OpenSSH private key', /-----BEGIN OPENSSH PRIVATE KEY-----/],
];

export class SecretIndex {
  #values: string[] = [];
  #windows = new Set<string>();

  /**
   * Register a secret value: its token-like runs (base64/hex/bcrypt alphabets) of 31+ characters;
   * JSON punctuation and short words are left out, as they would match any log.
   */
  add(value: string): void {
    for (const v of value.split(/[^A-Za-z0-9+/=_.$-]+/)) {
      if (v.length < 2 * WINDOW - 1) continue;
      this.#values.push(v);
      for (let i = 0; i + WINDOW <= v.length; i++) this.#windows.add(v.slice(i, i + WINDOW));
    }
    this.#values.sort((a, b) => b.length - a.length);
  }

  /** Replace whole known values by [REDACTED]. */
  mask(text: string): string {
    let out = text;
    for (const v of this.#values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** True when `text` holds a fragment of 2*WINDOW-1 or more characters of a known value. */
  leaks(text: string): boolean {
    for (let i = 0; i + WINDOW <= text.length; i += WINDOW) if (this.#windows.has(text.slice(i, i + WINDOW))) return true;
    return false;
  }
}

/** The first secret found in a bundle file, as a description, or undefined. */
export function findSecret(text: string, index: SecretIndex): string | undefined {
  for (const [what, re] of PATTERNS) if (re.test(text)) return what;
  return index.leaks(text) ? 'a fragment of a secret value from the install' : undefined;
}
