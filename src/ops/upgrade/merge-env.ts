/**
 * @module The .env key merge of an upgrade (Operations, ".env Key Merge Behavior"): keys new in
 * this release's .env.example are appended with their default and "# ADDED by upgrade vX";
 * PROJECT_VERSION, PROJECT_NAME and PROJECT_CREATOR are always set to the release's values; every
 * other line (customer keys, comments, order, CRLF) is kept exactly. Pure function.
 */
import { activeKeys, setEnvValue } from '../common/env-text.ts';

const EXAMPLE_LINE = /^\s*#?\s*([A-Z_][A-Z0-9_]*)=(.*)$/;
export const ALWAYS_UPDATE = ['PROJECT_VERSION', 'PROJECT_NAME', 'PROJECT_CREATOR'] as const;

/** key → default value as written in an .env.example (commented or not). */
export function exampleDefaults(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = EXAMPLE_LINE.exec(line);
    if (m && !out.has(m[1] as string)) out.set(m[1] as string, unquote((m[2] as string).trim()));
  }
  return out;
}

function unquote(v: string): string {
  const q = v[0];
  return (q === '"' || q === "'") && v.endsWith(q) && v.length >= 2 ? v.slice(1, -1) : v;
}

export interface EnvMerge { text: string; added: string[]; updated: string[]; preserved: number }

export function mergeEnv(envText: string, oldExample: string, newExample: string, version: string): EnvMerge {
  const before = exampleDefaults(oldExample);
  const after = exampleDefaults(newExample);
  const present = new Set(activeKeys(envText));
  let text = envText;
  const added: string[] = [];
  for (const [key, value] of after) {
    if (before.has(key) || present.has(key) || (ALWAYS_UPDATE as readonly string[]).includes(key)) continue;
    text = setEnvValue(text, key, value, [`ADDED by upgrade v${version}`]);
    added.push(key);
  }
  const updated: string[] = [];
  const releaseValues: Record<string, string | undefined> = { PROJECT_VERSION: version, PROJECT_NAME: after.get('PROJECT_NAME') || undefined, PROJECT_CREATOR: after.get('PROJECT_CREATOR') || undefined };
  for (const key of ALWAYS_UPDATE) {
    const value = releaseValues[key];
    if (value === undefined) continue;
    const next = setEnvValue(text, key, value, present.has(key) ? [] : [`ADDED by upgrade v${version}`]);
    if (next !== text) updated.push(key);
    text = next;
  }
  return { text, added, updated, preserved: present.size - updated.filter((k) => present.has(k)).length };
}
