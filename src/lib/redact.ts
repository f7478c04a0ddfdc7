/**
 * @module The one redaction function: every value that reaches a log, an audit record, a metric,
 * an error shown to a client or a support bundle goes through `redact` first.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secret whatever they hold (compared case-insensitively, `-`/`_` ignored). */
const SECRET_KEY_PATTERN = /(pass(word|wd|phrase)?|secret|token|authorization|cookie|private.?key|api.?key|credential|bearer|session.?id|code.?verifier|^code$|^pwd$|_enc$)/i;

/** Inline secrets inside free text: bearer tokens, JWTs, PEM private keys, basic auth, key=value. */
const INLINE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, REDACTED],
  [/\b(password|passwd|secret|token|client_secret|access_token|refresh_token)=([^&\s"']+)/gi, `$1=${REDACTED}`],
];

/** True when a field named `key` holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key.replace(/-/g, '_'));
}

/** Redact secrets found inside a string. */
export function redactText(text: string): string {
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
    out[k] = isSecretKey(k) && v !== '' && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** Escape control characters (CWE-117) so one record stays one line, whatever an agent sent. */
export function escapeControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
