/**
 * @module Profile text → validated Profile, or a report naming the file, the JSON path and the
 * reason. In non-strict mode unknown fields are dropped and listed as warnings.
 */
import type { z } from 'zod';
import { profileSchema } from './profile-schema.ts';
import type { Profile } from './profile-schema.ts';
import { ONE_SHOT_PARSE } from '../lib/one-shot-parse.ts';

export interface ProfileProblem { file: string; path: string; reason: string }

export type ParsedProfile =
  | { ok: true; profile: Profile; warnings: ProfileProblem[] }
  | { ok: false; problems: ProfileProblem[] };

const STRICT = profileSchema(true);
const LENIENT = profileSchema(false);

/** `$.cucm.axl.allowed_prefixes[2]` */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
  return out;
}

function problems(file: string, error: z.ZodError): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ file, path: jsonPath([...issue.path, key]), reason: 'unknown field' });
    } else {
      out.push({ file, path: jsonPath(issue.path), reason: issue.message });
    }
  }
  return out;
}

/** Parse and validate one profile file's text. */
export function parseProfile(text: string, file: string, strict: boolean): ParsedProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ file, path: '$', reason: `invalid JSON: ${(err as Error).message}` }] };
  }
  const checked = STRICT.safeParse(raw, ONE_SHOT_PARSE);
  if (checked.success) return { ok: true, profile: checked.data, warnings: [] };
  const found = problems(file, checked.error);
  const onlyUnknown = found.every((p) => p.reason === 'unknown field');
  if (strict || !onlyUnknown) return { ok: false, problems: found };
  const lenient = LENIENT.safeParse(raw, ONE_SHOT_PARSE);
  if (!lenient.success) return { ok: false, problems: problems(file, lenient.error) };
  return { ok: true, profile: lenient.data, warnings: found };
}

/** One line per problem, for logs and errors. */
export function describeProblems(list: readonly ProfileProblem[]): string {
  return list.map((p) => `${p.file} ${p.path}: ${p.reason}`).join('; ');
}
