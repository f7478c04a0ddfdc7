/**
 * @module AUTH_CLIENTS → validated client definitions (Setup page, "Client Management"):
 * `name:subject:profile[:auth_mode]`, the 4th field only when AUTH_MODE=jwt+oauth2.
 */
import { AppError } from '../../lib/errors.ts';

export type GlobalAuthMode = 'jwt' | 'oauth2' | 'jwt+oauth2';
export type ClientAuthMode = GlobalAuthMode;

export interface ClientSpec {
  name: string;
  subject: string;
  profile: string;
  mode: ClientAuthMode;
}

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
const SUBJECT_RE = /^[A-Za-z0-9._@+-]{1,128}$/;
const PROFILE_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MODES: readonly ClientAuthMode[] = ['jwt', 'oauth2', 'jwt+oauth2'];

function invalid(message: string): AppError {
  return new AppError('E_CONFIG_INVALID', `.env: AUTH_CLIENTS ${message}`, { hint: 'use name:subject:profile[:auth_mode], comma-separated (see .env.example)' });
}

/** True when the client may use JWT-mode (static) tokens. */
export function usesJwt(spec: ClientSpec): boolean {
  return spec.mode === 'jwt' || spec.mode === 'jwt+oauth2';
}

/** True when the client may obtain OAuth 2.1 tokens. */
export function usesOAuth(spec: ClientSpec): boolean {
  return spec.mode === 'oauth2' || spec.mode === 'jwt+oauth2';
}

/**
 * Parse AUTH_CLIENTS. `profileExists` decides whether a profile name is known; a missing one is
 * an error naming the client. Throws E_CONFIG_INVALID on the first problem.
 */
export function parseClientSpecs(value: string, globalMode: GlobalAuthMode, profileExists: (name: string) => boolean): ClientSpec[] {
  const out: ClientSpec[] = [];
  const seen = new Set<string>();
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const fields = entry.split(':');
    const [name = '', subject = '', profile = '', mode] = fields;
    if (fields.length < 3 || fields.length > 4) throw invalid(`entry "${entry.slice(0, 80)}" must have 3 fields (4 in AUTH_MODE=jwt+oauth2): got ${fields.length}`);
    if (!NAME_RE.test(name)) throw invalid(`client name "${name.slice(0, 80)}" must be letters, digits and inner hyphens (at most 64)`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw invalid(`lists client "${name}" twice`);
    seen.add(key);
    if (!SUBJECT_RE.test(subject)) throw invalid(`client "${name}": subject "${subject.slice(0, 80)}" must be 1-128 of letters, digits and . _ @ + -`);
    if (!PROFILE_RE.test(profile)) throw invalid(`client "${name}": profile "${profile.slice(0, 80)}" is not a valid profile name`);
    if (!profileExists(profile)) throw invalid(`client "${name}": profile "${profile}" does not exist in profiles/`);
    let clientMode: ClientAuthMode = globalMode;
    if (mode !== undefined) {
      if (globalMode !== 'jwt+oauth2') throw invalid(`client "${name}": a 4th field (auth mode) is only allowed when AUTH_MODE=jwt+oauth2 (AUTH_MODE is ${globalMode})`);
      if (!(MODES as readonly string[]).includes(mode)) throw invalid(`client "${name}": auth mode "${mode.slice(0, 20)}" must be jwt / oauth2 / jwt+oauth2`);
      clientMode = mode as ClientAuthMode;
    }
    out.push({ name, subject, profile, mode: clientMode });
  }
  return out;
}
