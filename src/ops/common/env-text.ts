/**
 * @module Line-preserving .env edits: set one key, keep every other line, comment, blank line and
 * the order as they were, keep CRLF files CRLF, and cope with a missing final newline.
 */

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const ACTIVE_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

export interface EnvLines { lines: string[]; eol: '\n' | '\r\n'; finalNewline: boolean }

/** Split .env text into lines, remembering its line ending and whether it ended with one. */
export function splitEnvText(text: string): EnvLines {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = text === '' || /\r?\n$/.test(text);
  const lines = text.split(/\r?\n/);
  if (finalNewline) lines.pop();
  return { lines, eol, finalNewline };
}

/** Join lines back; the result always ends with a newline (in the file's own style). */
export function joinEnvText(env: EnvLines): string {
  return env.lines.length === 0 ? '' : `${env.lines.join(env.eol)}${env.eol}`;
}

/** Key of an active (uncommented) KEY=VALUE line, or undefined. */
export function activeKeyOf(line: string): string | undefined {
  return ACTIVE_LINE.exec(line)?.[1];
}

/** Keys set by active lines, in order. */
export function activeKeys(text: string): string[] {
  return splitEnvText(text).lines.map(activeKeyOf).filter((k): k is string => k !== undefined);
}

/** Quote a value when dotenv would otherwise change it. */
export function formatEnvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+=,*-]*$/.test(value)) return value;
  if (!value.includes("'") && !/[\r\n]/.test(value)) return `'${value}'`;
  throw new Error('value holds a quote or a line break and cannot be written to .env');
}

/**
 * Set `key=value`: every active line for the key is rewritten in place; if there is none, the line
 * is appended (after `comment` lines when given).
 */
export function setEnvValue(text: string, key: string, value: string, comment: string[] = []): string {
  const env = splitEnvText(text);
  const line = `${key}=${formatEnvValue(value)}`;
  let found = false;
  env.lines = env.lines.map((l) => {
    if (activeKeyOf(l) !== key) return l;
    found = true;
    return line;
  });
  if (!found) env.lines.push(...comment.map((c) => `# ${c}`), line);
  return joinEnvText(env);
}

/** Remove every active line for `key`. */
export function removeEnvKey(text: string, key: string): string {
  const env = splitEnvText(text);
  env.lines = env.lines.filter((l) => activeKeyOf(l) !== key);
  return joinEnvText(env);
}
