/**
 * @module Login sessions between GET /authorize and the form POST: the validated authorization
 * request lives server-side (the form cannot alter it), keyed by a random id sent in a
 * `__Host-` cookie, with a per-session CSRF token. Ended at login (so the id is never reused:
 * no session fixation), after 10 minutes, or when evicted under load.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const LOGIN_SESSION_SECONDS = 600;
export const SESSION_COOKIE = '__Host-aibridge-login';
const MAX_SESSIONS = 1000;

export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string | undefined;
  scope: string;
}

interface Session { csrf: string; request: PendingAuthorization; expiresAt: number }

export class LoginSessions {
  #sessions = new Map<string, Session>();
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  create(request: PendingAuthorization): { sid: string; csrf: string } {
    const now = this.#now();
    for (const [k, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(k);
    while (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string);
    const sid = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.#sessions.set(sid, { csrf, request, expiresAt: now + LOGIN_SESSION_SECONDS });
    return { sid, csrf };
  }

  /** The session for `sid` when it exists, is current, and `csrf` matches (constant time). */
  check(sid: string | undefined, csrf: string | undefined): { request: PendingAuthorization; csrf: string } | undefined {
    if (!sid || !csrf) return undefined;
    const s = this.#sessions.get(sid);
    if (!s || s.expiresAt <= this.#now()) return undefined;
    const a = Buffer.from(s.csrf);
    const b = Buffer.from(csrf);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    return { request: s.request, csrf: s.csrf };
  }

  end(sid: string): void {
    this.#sessions.delete(sid);
  }
}
