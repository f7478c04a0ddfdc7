/**
 * @module The one redaction function: every value that reaches a log, an audit record, a metric,
 * an error shown to a client or a support bundle goes through `redact` first.
 */

export const REDACTED = '[REDACTED]';

/**
 * The one list of secret field names (issue #12 item 5, T-AU-06). A field is secret when its name,
 * lower-cased with `-`, `_`, `.` and spaces removed, CONTAINS one of these words — so `pin`,
 * `Pin`, `PIN`, `userPin`, `newPinCredentials`, `voicemailPIN`, `snmpCommunityString`,
 * `sftpPassphrase` are all caught without listing each schema's spelling.
 */
export const SECRET_WORDS: readonly string[] = ['pin', 'password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'credential',
  'key', 'community', 'authorization', 'cookie', 'bearer', 'sessionid', 'codeverifier'];

/**
 * Names that contain a secret word by accident and hold public facts; kept readable because
 * operators audit by them. Compared after the same normalisation.
 */
const NOT_SECRET: ReadonlySet<string> = new Set(['pinned', 'spin', 'keyfingerprint', 'publickey', 'hostkeyfingerprint', 'keytype',
  'keybits', 'keysize', 'keyword', 'keywords', 'monkey', 'hotkey', 'keypadtemplate', 'keypad', 'tokensissuedtotal', 'pinnedcertificate']);

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_.\s]/g, '');

/** Inline secrets inside free text: bearer tokens, JWTs, PEM private keys, basic auth, key=value. */
const INLINE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/\b(password|passwd|passphrase|secret|token|client_secret|access_token|refresh_token|pin|pwd|community)=([^&\s"']+)/gi, `$1=${REDACTED}`],
  // JSON or XML echoed back inside a message (a Cisco error quoting the request body).
  [/("[A-Za-z_]*(?:pin|password|passphrase|secret|token|credential|community)[A-Za-z_]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  [/(<([A-Za-z_:]*(?:pin|password|passphrase|secret|credential|community)[A-Za-z_]*)>)[^<]*(<\/\2>)/gi, `$1${REDACTED}$3`],
];

/**
 * A string none of INLINE_PATTERNS can match: each pattern needs one of these literals (any case
 * is a superset of the patterns' own case rules), so most values (names, ids, numbers) skip the
 * eight replacements. Keep it in step with INLINE_PATTERNS (redact.test.ts checks both agree).
 */
const MAYBE_INLINE_SECRET = /-----BEGIN|bearer|basic|eyJ|\$2|:\/\/|[="<]/i;

/** Answers of isSecretKey by field name: the names seen are few; bounded against hostile keys. */
const secretKeyMemo = new Map<string, boolean>();
const SECRET_KEY_MEMO_MAX = 2048;

/** True when a field named `key` holds a secret (SECRET_WORDS as substrings, any case). */
export function isSecretKey(key: string): boolean {
  const hit = secretKeyMemo.get(key);
  if (hit !== undefined) return hit;
  const secret = secretKeyUncached(key);
  if (secretKeyMemo.size < SECRET_KEY_MEMO_MAX) secretKeyMemo.set(key, secret);
  return secret;
}

function secretKeyUncached(key: string): boolean {
  const k = normaliseKey(key);
  if (k === 'code' || /_enc$/i.test(key)) return true;
  if (NOT_SECRET.has(k)) return false;
  // "pin" followed by "g" is ping/mapping/skipping, never a PIN.
  return SECRET_WORDS.some((w) => (w === 'pin' ? /pin(?!g)/.test(k) : k.includes(w)));
}

/**
 * A field named `code` is secret as an OAuth authorization code (a random string), but most `code`
 * fields are error codes operators must read: an aibridge code (`E_FORBIDDEN`), a JSON-RPC or
 * HTTP number. Those shapes are never an authorization code, so they stay readable.
 */
function isErrorCode(key: string, value: unknown): boolean {
  if (normaliseKey(key) !== 'code') return false;
  return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^E_[A-Z0-9_]{1,64}$/.test(value));
}

/** Redact secrets found inside a string. */
export function redactText(text: string): string {
  if (!MAYBE_INLINE_SECRET.test(text)) return text;
  return redactInline(text);
}

/** The replacements themselves (exported for the test that checks the shortcut above). */
export function redactInline(text: string): string {
  let out = text;
  for (const [re, rep] of INLINE_PATTERNS) out = out.replace(re, rep);
  return out;
}

/**
 * Deep copy of `value` with secret fields replaced and inline secrets masked.
 * Cycles and very deep structures are cut rather than followed.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[TRUNCATED]';
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== '' && v !== undefined && v !== null && !isErrorCode(k, v) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** Escape control characters (CWE-117) so one record stays one line, whatever an agent sent. */
export function escapeControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
